import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run --threads 2`: two stream threads of one instance, each a member of the consumer group,
/// share a 16-partition windowed count and write exactly what an independent count says.
@Suite("Stream threads")
struct StreamThreadsTests {
    static let output = "counts-per-minute"

    @Test func twoThreadsShareTheTasksAndCountExactly() async throws {
        let temporary = TemporaryDirectory("threads")
        let file = temporary.appending("threads.yml")
        try """
            application-id: thread-counts
            sources:
              clicks: { topic: clicks, key: string, value: json, event-time: value.timestamp, partitions: 16 }
            topics:
              \(Self.output): 16
            pipelines:
              per-minute:
                from: clicks
                steps:
                  - group-by-key: {}
                  - window: { tumbling: 1m, grace: 2m, retention: 2h }
                  - count: { store: clicks-per-minute, emit: updates }
                  - map-values: { user: key, window_start: window.start, count: value }
                  - to: \(Self.output)
            """.write(toFile: file, atomically: true, encoding: .utf8)

        // 6,000 clicks of 200 users over 20 minutes of event time, in time order.
        let start: Int64 = 1_795_773_600_000  // 2026-11-27T10:00:00Z
        var random = SeededRandom(seed: 77)
        let clicks = (0..<6_000).map { index in
            (user: "U\(Int.random(in: 0..<200, using: &random))", time: start + Int64(index) * 200)
        }
        // The reference: clicks per user and minute.
        var expected: [String: Int] = [:]
        for click in clicks { expected["\(click.user)|\(GeneratedView.iso(click.time - click.time % 60_000))", default: 0] += 1 }

        let broker = try TestDevBroker(topologies: [file])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("clicks", clicks.map { (key: $0.user, value: #"{"timestamp":"\#(GeneratedView.iso($0.time))"}"#) })
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: file, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--no-http", "--threads", "2", "--log-level", "info",
        ])
        let read = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(120)) {
            $0[Self.output, default: []].count >= clicks.count
        }
        #expect(runner.stop() == 0)

        // emit: updates writes one record per click; a window's last update is its count.
        var counted: [String: Int] = [:]
        for record in read[Self.output, default: []] {
            let value = try #require(try JSONSerialization.jsonObject(with: Data(record.value ?? [])) as? [String: Any])
            let window = "\(value["user"]!)|\(value["window_start"]!)"
            counted[window] = max(counted[window] ?? 0, value["count"] as! Int)
        }
        #expect(read[Self.output, default: []].count == clicks.count, "one update per click")
        #expect(counted == expected, "windows counted differently: \(counted.filter { expected[$0.key] != $0.value }.prefix(5))")

        // Both threads were members of the group and processed tasks.
        let assigned = runner.standardError.split(separator: "\n").filter { $0.contains("partitions assigned") }
        #expect(assigned.contains { $0.contains("thread=StreamThread-1") } && assigned.contains { $0.contains("thread=StreamThread-2") }, "\(assigned)")
    }
}
