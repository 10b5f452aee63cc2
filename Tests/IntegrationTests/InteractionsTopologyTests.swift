import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run` on the real `topologies/interactions.yml`, with generated shop events in and every
/// output topic checked against an independent reference of the routing rules.
@Suite("interactions.yml end to end")
struct InteractionsTopologyTests {
    static let topology = repositoryRoot + "/topologies/interactions.yml"
    static let outputTopics = ["customer-interactions", "order-events", "support-inquiries", "identifies", "shop-interactions-dlq"]

    /// A dev broker with the topology's topics, `count` generated events in `tracking-events`, and those events read back.
    private func prepare(events count: Int, seed: Int) async throws -> (TestDevBroker, [ConsumerRecord]) {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let generated = try runRunner(["generate", "--bootstrap-servers", broker.bootstrapServers, "--events", String(count), "--seed", String(seed), "--log-level", "warning"])
        #expect(generated.status == 0, "\(generated.errors)")
        let input = try await TopicReader.read(["tracking-events"], bootstrapServers: broker.bootstrapServers) { $0.values.joined().count >= count }
        return (broker, input["tracking-events", default: []])
    }

    private func readOutputs(_ broker: TestDevBroker, expecting count: Int) async throws -> [String: [ConsumerRecord]] {
        try await TopicReader.read(Self.outputTopics, bootstrapServers: broker.bootstrapServers, timeout: .seconds(90)) { $0.values.joined().count >= count }
    }

    @Test func everyEventIsRoutedDroppedOrDeadLetteredExactlyAsTheRulesSay() async throws {
        let (broker, input) = try await prepare(events: 3000, seed: 7)
        let expected = ExpectedRouting(input)
        #expect(expected.deadLettered.count > 0 && expected.dropped > 0, "the generator covers every rule")

        // Below Linux's ephemeral range (32768+), where the brokers' and clients' own ports come from.
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port)])
        let outputs = try await readOutputs(broker, expecting: expected.outputCount)
        // Dropped and dead-lettered records are counted in metrics as well as in the logs (the last inputs,
        // dropped ones among them, may still be in processing when the last output arrives).
        let wanted = [
            #"tributary_node_dropped_total{application="shop-interactions",node="by-kind"} \#(expected.dropped)"#,
            #"tributary_dead_letters_total{application="shop-interactions"} \#(expected.deadLettered.count)"#,
        ]
        try await waitUntil(timeout: .seconds(10)) {
            let metrics = try await httpGet(port: port, "/metrics")
            return wanted.allSatisfy(metrics.contains)
        }
        #expect(runner.stop() == 0, "SIGTERM ends the runner cleanly")
        try expected.verify(outputs, allowingRepeats: false)
        #expect(input.count == expected.routedCount + expected.dropped + expected.deadLettered.count)
    }

    @Test func sigtermMidStreamThenRestartSkipsNothingAndRepeatsNothing() async throws {
        let (broker, firstHalf) = try await prepare(events: 1500, seed: 11)
        let first = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--commit-interval-ms", "200"])
        // Stop as soon as some outputs exist, while the rest may still be in flight.
        _ = try await readOutputs(broker, expecting: 1)
        #expect(first.stop(signal: SIGTERM) == 0)
        let more = try runRunner(["generate", "--bootstrap-servers", broker.bootstrapServers, "--events", "1500", "--seed", "12", "--log-level", "warning"])
        #expect(more.status == 0)
        let input = try await TopicReader.read(["tracking-events"], bootstrapServers: broker.bootstrapServers) { $0.values.joined().count >= 3000 }
        let expected = ExpectedRouting(input["tracking-events", default: []])
        #expect(expected.input.count == 3000 && firstHalf.count == 1500)

        let second = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers)
        let outputs = try await readOutputs(broker, expecting: expected.outputCount)
        // Give a repeat, if there were one, time to show up before counting.
        try await Task.sleep(for: .seconds(2))
        let settled = try await readOutputs(broker, expecting: expected.outputCount)
        #expect(second.stop() == 0)
        #expect(settled.values.joined().count == outputs.values.joined().count)
        try expected.verify(settled, allowingRepeats: false)
    }

    @Test func sigkillThenRestartSkipsNothing() async throws {
        let (broker, input) = try await prepare(events: 3000, seed: 13)
        let expected = ExpectedRouting(input)
        let first = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--commit-interval-ms", "300"])
        _ = try await readOutputs(broker, expecting: expected.outputCount / 3)
        first.stop(signal: SIGKILL)
        let port = TestPorts.next()
        let second = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port)])
        let outputs = try await TopicReader.read(Self.outputTopics, bootstrapServers: broker.bootstrapServers, timeout: .seconds(90)) { records in
            expected.isCovered(by: records)
        }
        // The first may have written everything before it was killed: the second is asked to stop once
        // it runs (holds its partitions), not while it starts.
        try await waitUntil(timeout: .seconds(60)) { !(await partitionsHeld(port: port)).isEmpty }
        #expect(second.stop() == 0)
        // Records after the last commit may repeat; none may be missing.
        try expected.verify(outputs, allowingRepeats: true)
    }
}

/// What the reference says the outputs must be, and the checks against what arrived.
struct ExpectedRouting {
    let input: [ConsumerRecord]
    /// Per output topic, the expected records as comparable strings (key, then value bytes or canonical JSON).
    private(set) var byTopic: [String: [String]] = [:]
    private(set) var dropped = 0
    private(set) var deadLettered: [ConsumerRecord] = []

    init(_ input: [ConsumerRecord]) {
        self.input = input
        for record in input {
            switch InteractionRoutingReference.route(value: record.value) {
            case .routed(let topic, let key, let value):
                byTopic[topic, default: []].append(Self.comparable(key: key, value: value.map(Self.canonical) ?? String(decoding: record.value ?? [], as: UTF8.self)))
            case .dropped:
                dropped += 1
            case .deadLettered:
                deadLettered.append(record)
            }
        }
    }

    var routedCount: Int { byTopic.values.map(\.count).reduce(0, +) }
    var outputCount: Int { routedCount + deadLettered.count }

    /// Whether every expected record arrived at least once.
    func isCovered(by outputs: [String: [ConsumerRecord]]) -> Bool {
        for (topic, expected) in byTopic where !Set(expected).isSubset(of: Set(outputs[topic, default: []].map(Self.comparable))) { return false }
        let dlq = Set(outputs["shop-interactions-dlq", default: []].map { $0.value ?? [] })
        return deadLettered.allSatisfy { dlq.contains($0.value ?? []) }
    }

    func verify(_ outputs: [String: [ConsumerRecord]], allowingRepeats: Bool) throws {
        for topic in ["customer-interactions", "order-events", "support-inquiries", "identifies"] {
            let actual = outputs[topic, default: []].map(Self.comparable)
            let expected = byTopic[topic, default: []]
            if allowingRepeats {
                #expect(Set(actual) == Set(expected), "\(topic): records missing or unexpected")
            } else {
                #expect(actual.sorted() == expected.sorted(), "\(topic): \(actual.count) records, expected \(expected.count)")
            }
        }
        for record in outputs["support-inquiries", default: []] {
            let text = String(decoding: record.value ?? [], as: UTF8.self)
            let positions = InteractionRoutingReference.supportFieldOrder.map { text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "support inquiry fields in the documented order: \(text)")
        }
        let dlq = outputs["shop-interactions-dlq", default: []]
        let byOrigin = Dictionary(input.map { ("\($0.partition)@\($0.offset)", $0) }, uniquingKeysWith: { first, _ in first })
        for letter in dlq {
            let origin = "\(header(letter, "tributary.source.partition"))@\(header(letter, "tributary.source.offset"))"
            let original = byOrigin[origin]
            #expect(header(letter, "tributary.source.topic") == "tracking-events")
            #expect(!header(letter, "tributary.error").isEmpty && !header(letter, "tributary.error.node").isEmpty)
            #expect(original?.value == letter.value && original?.key == letter.key, "dead letter \(origin) carries the original key and value")
        }
        let lettered = dlq.map { $0.value ?? [] }
        if allowingRepeats {
            #expect(Set(lettered) == Set(deadLettered.map { $0.value ?? [] }))
        } else {
            #expect(lettered.count == deadLettered.count)
            #expect(lettered.map { String(decoding: $0, as: UTF8.self) }.sorted() == deadLettered.map { String(decoding: $0.value ?? [], as: UTF8.self) }.sorted())
        }
    }

    private func header(_ record: ConsumerRecord, _ name: String) -> String {
        String(decoding: record.headers.lastValue(named: name) ?? [], as: UTF8.self)
    }

    static func comparable(_ record: ConsumerRecord) -> String {
        let value = record.topic == "support-inquiries"
            ? (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))).flatMap { $0 as? [String: Any] }.map(canonical) ?? "<not an object>"
            : String(decoding: record.value ?? [], as: UTF8.self)
        return comparable(key: String(decoding: record.key ?? [], as: UTF8.self), value: value)
    }

    static func comparable(key: String, value: String) -> String { key + "\u{0}" + value }

    static func canonical(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }
}
