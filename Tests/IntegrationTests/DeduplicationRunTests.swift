import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// `topologies/examples/unique-tracking-events.yml` on a 4-partition dev broker, fed the generator's
/// events with retransmissions: 10% of the events are sent again up to 30 minutes of event time after
/// they were first sent, and 2% are first sent 35 to 45 minutes late (older than stream time by more
/// than any window grace one would choose), their copies after them. The output must hold every
/// messageId exactly once — the reference is the set of ids produced.
///
/// `TRIBUTARY_DEDUPLICATION_EVENTS` sets how many events (default 5,000);
/// `scripts/accept/deduplicate.sh` runs this with 50,000.
@Suite("De-duplication on a dev broker")
struct DeduplicationRunTests {
    @Test func everyMessageIdComesOutExactlyOnce() async throws {
        let events = ProcessInfo.processInfo.environment["TRIBUTARY_DEDUPLICATION_EVENTS"].flatMap(Int.init) ?? 5_000
        let generated = try runRunner(["generate", "--print", "--events", String(events), "--malformed-ratio", "0", "--log-level", "warning"])
        try #require(generated.status == 0, "\(generated.errors)")
        var originals: [(key: String, value: String, time: Int64)] = []
        for line in generated.output.split(separator: "\n") {
            let record = try JSONParser.parse(Array(line.utf8))
            let value = try #require(record["value"])
            let time = try #require(EventTimestamp.milliseconds(from: value["timestamp"] ?? .null))
            originals.append((try #require(record["key"]?.stringValue), value.jsonString, time))
        }

        // Arrival order: each copy at its event time plus its delay, ties in generation order.
        var random = SeededRandom(seed: 7)
        var arrivals: [(arrival: Int64, sequence: Int, key: String, value: String)] = []
        for event in originals {
            let late = Double.random(in: 0..<1, using: &random) < 0.02
            let first = event.time + (late ? Int64.random(in: 2_100_000...2_700_000, using: &random) : 0)
            arrivals.append((first, arrivals.count, event.key, event.value))
            if Double.random(in: 0..<1, using: &random) < 0.10 {
                arrivals.append((first + Int64.random(in: 1_000...1_800_000, using: &random), arrivals.count, event.key, event.value))
            }
        }
        arrivals.sort { ($0.arrival, $0.sequence) < ($1.arrival, $1.sequence) }
        let ids = Set(originals.map { (try? JSONParser.parse(Array($0.value.utf8)))?["messageId"]?.stringValue ?? "" })
        #expect(ids.count == originals.count, "the generator numbers every message")
        #expect(arrivals.count > originals.count + originals.count / 20, "about 10% are sent twice")

        let topology = repositoryRoot + "/topologies/examples/unique-tracking-events.yml"
        let broker = try TestDevBroker(topics: ["tracking-events:4"], topologies: [topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("tracking-events", arrivals.map { ($0.key, $0.value) })
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path])

        let expected = ids.count
        let read = try await TopicReader.read(["tracking-events-unique"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(300), linger: .seconds(3)) {
            $0["tracking-events-unique", default: []].count >= expected
        }
        #expect(runner.stop() == 0)
        var copies: [String: Int] = [:]
        for record in read["tracking-events-unique", default: []] {
            copies[(try? JSONParser.parse(record.value ?? []))?["messageId"]?.stringValue ?? "?", default: 0] += 1
        }
        #expect(Set(copies.keys) == ids, "missing: \(ids.subtracting(copies.keys).sorted().prefix(10))")
        let repeated = copies.filter { $0.value > 1 }
        #expect(repeated.isEmpty, "passed more than once: \(repeated.keys.sorted().prefix(10)); runner log: \(runner.standardError.suffix(2_000))")
    }
}
