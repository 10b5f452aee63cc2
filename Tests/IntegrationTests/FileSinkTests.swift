import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// A `file` step run by `runner run` against a dev broker: the sink kind that shows what adding one
/// takes (a definition, a destination, a registration). Records from every partition reach the file
/// as JSON lines, once each, even though its directory appears only after the runner started.
@Suite("File sink end to end")
struct FileSinkTests {
    @Test func everyRecordReachesTheFileOnceItsDirectoryExists() async throws {
        let directory = TemporaryDirectory("tributary-file-sink")
        let topology = directory.appending("audit.yml")
        try """
            application-id: audit
            sources:
              orders: { topic: orders }
            pipelines:
              audit:
                from: orders
                steps:
                  - filter: value.total > 0
                  - file:
                      path: ${AUDIT_DIR}/orders.jsonl
                      value: { order: key, total: value.total }
                      batch: { size: 50, linger: 100ms }
                      retry: { initial: 100ms, max: 500ms }
            """.write(toFile: topology, atomically: true, encoding: .utf8)
        let auditDirectory = directory.appending("audit")
        let orders = (1...300).map { (key: "O-\($0)", total: $0 % 7) }

        let broker = try TestDevBroker(topologies: [topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("orders", orders.map { ($0.key, #"{"total":\#($0.total)}"#) })
        try producer.close()
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: ["AUDIT_DIR": auditDirectory])
        // The sink tries, fails and backs off while the directory is missing; nothing is dropped meanwhile.
        try await waitUntil(timeout: .seconds(30)) { runner.standardError.contains("cannot create") }
        try FileManager.default.createDirectory(atPath: auditDirectory, withIntermediateDirectories: true)

        let expected = orders.filter { $0.total > 0 }.map { JSONValue.object(["order": .string($0.key), "total": .int(Int64($0.total))]) }
        @Sendable func lines() -> [JSONValue] {
            ((try? String(contentsOfFile: auditDirectory + "/orders.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
        }
        try await waitUntil(timeout: .seconds(60)) { lines().count >= expected.count }
        #expect(runner.stop() == 0)
        let written = lines()
        #expect(written.count == expected.count, "each record once")
        #expect(Set(written.map(JSONSerializer.serializeToString)) == Set(expected.map(JSONSerializer.serializeToString)))
    }
}
