import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// A state directory whose disk fills up while the runner processes: the stream thread stops at the
/// store write RocksDB refuses, processing pauses (the process and its HTTP endpoint stay up) until the
/// disk has room again, then resumes from the last commit — every window counted exactly, as an
/// independent count says. The disk is a real one that fills: a small tmpfs, grown in place to free it.
@Suite("A full state directory", .serialized, .enabled(if: TmpfsMount.isAvailable, "needs root to mount a tmpfs"))
struct DiskFullTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"

    @Test func processingPausesWhileTheDiskIsFullAndResumesExactlyOnceThereIsRoom() async throws {
        let events = GeneratedView.inEventTimeOrder(count: 30_000, seed: 23, users: 300, products: 2_000, maxStep: 400)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try TestDevBroker(topics: ["customer-interactions:4"], topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("customer-interactions", events.map { ($0.user, $0.json) })
        try producer.close()

        let disk = try TmpfsMount(kilobytes: 768)
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", disk.path, "--http-port", String(port), "--commit-interval-ms", "200",
        ])
        try await waitUntil(timeout: .seconds(180)) {
            if let status = runner.waitForExit(timeout: .zero) { throw TestFailure("the runner exited (\(status)): \(runner.standardError.suffix(3_000))") }
            let metrics = (try? await httpGet(port: port, "/metrics")) ?? ""
            return metrics.split(separator: "\n").contains { $0.hasPrefix("tributary_state_directory_failures_total{") && !$0.hasSuffix(" 0") }
        }
        #expect(runner.waitForExit(timeout: .seconds(2)) == nil, "a full disk pauses the runner; it does not stop it")
        try disk.resize(kilobytes: 256 * 1024)

        let (results, conflicting) = try await ProductViewsTopologyTests.finalResults(broker, expecting: reference, timeout: .seconds(180))
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).count); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(3))")
        #expect(runner.stop() == 0)
        #expect(runner.standardError.contains("state directory \(disk.path)/product-views refused a write"))
    }
}
