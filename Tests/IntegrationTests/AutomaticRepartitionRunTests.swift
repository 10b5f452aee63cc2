import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// A topology that re-keys and then counts, run by `runner run` on a 6-partition dev broker: the
/// repartition topic inserted before `group-by-key` brings each page's clicks to one task, so every
/// page's count equals an independent count. Without it, each of the six tasks would count its own share.
@Suite("Automatic repartitioning on a dev broker")
struct AutomaticRepartitionRunTests {
    @Test func reKeyedCountsOnSixPartitionsEqualAnIndependentCount() async throws {
        let temporary = TemporaryDirectory("rekey")
        let directory = temporary.path
        let topology = directory + "/rekey-count.yml"
        try """
            application-id: rekey-count
            sources:
              clicks: { topic: rekey-clicks, partitions: 6 }
            topics:
              rekey-page-counts: 6
            pipelines:
              counts:
                from: clicks
                steps:
                  - select-key: value.page
                  - name: by-page
                    group-by-key: {}
                  - count: { store: page-counts }
                  - to: rekey-page-counts
            """.write(toFile: topology, atomically: true, encoding: .utf8)

        // Clicks keyed by user, so each page's clicks are spread over all six partitions.
        var random = SeededRandom(seed: 11)
        let clicks = (0..<3_000).map { index in
            (key: "user-\(Int.random(in: 0..<400, using: &random))", value: #"{"page":"page-\#(Int.random(in: 0..<25, using: &random))","n":\#(index)}"#)
        }
        var reference: [String: Int64] = [:]
        for click in clicks {
            let page = try #require(JSONParser.parse(click.value)["page"]?.stringValue)
            reference[page, default: 0] += 1
        }

        let broker = try TestDevBroker(topologies: [topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("rekey-clicks", clicks)
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path])

        let expected = reference
        let read = try await TopicReader.read(["rekey-page-counts"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(180)) { records in
            Self.latestCounts(records["rekey-page-counts", default: []]) == expected
        }
        #expect(runner.stop() == 0)
        let counts = Self.latestCounts(read["rekey-page-counts", default: []])
        #expect(counts == reference, "runner log: \(runner.standardError.suffix(2_000))")
    }

    private static func latestCounts(_ records: [ConsumerRecord]) -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for record in records {
            guard let count = (try? JSONParser.parse(record.value ?? []))?.int64Value else { continue }
            let page = String(decoding: record.key ?? [], as: UTF8.self)
            counts[page] = max(counts[page] ?? 0, count)
        }
        return counts
    }
}
