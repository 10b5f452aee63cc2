import Foundation
import Logging
import StreamCore

/// What one test case found.
public struct TopologyTestResult: Sendable {
    public var name: String
    public var location: SourceLocation
    /// Empty when the case passed; otherwise one line per difference, in topic and record order.
    public var differences: [String]
    /// What a reader should know either way: the reason of each dead letter the case does not expect.
    public var notes: [String] = []
    public var passed: Bool { differences.isEmpty }
}

/// Runs test cases through a ``TopologyTestDriver``: inputs encoded in their sources' formats, outputs
/// decoded in their sinks' formats and compared with the expected records, JSON numbers by value.
public enum TopologyTestRunner {
    /// Runs every case of `suite` over `partitions` partitions per topic when given (`runner test
    /// --partitions`), else over the case's or the file's `partitions:`, else one.
    public static func run(_ suite: TopologyTestSuite, definition: TopologyDefinition, topology: Topology, partitions: Int? = nil) throws -> [TopologyTestResult] {
        try suite.cases.map { testCase in
            try run(testCase, definition: definition, topology: topology, partitions: partitions ?? testCase.partitions ?? suite.partitions ?? 1)
        }
    }

    static func run(_ testCase: TopologyTestCase, definition: TopologyDefinition, topology: Topology, partitions: Int) throws -> TopologyTestResult {
        if !testCase.environment.isEmpty {
            // `env()` is read when a topology loads: load it again as this case's environment has it.
            let (definition, topology) = try ExpressionEnvironment.$overrides.withValue(testCase.environment) {
                let definition = try TopologyParser.parse(fileAt: definition.file)
                return (definition, try TopologyCompiler.compile(definition, logger: Logger(label: "tributary.test")))
            }
            var testCase = testCase
            testCase.environment = [:]
            return try run(testCase, definition: definition, topology: topology, partitions: partitions)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: directory, partitions: partitions)
        defer { driver.close() }

        let sources = Dictionary(definition.sources.map { ($0.topic.value, $0) }, uniquingKeysWith: { first, _ in first })
        var differences: [String] = []
        var written: [ProducerRecord] = []
        var timestamp: Int64 = 0
        var wallClock = testCase.wallClockStart ?? testCase.inputRecords.first?.timestamp ?? 0
        written += driver.advanceWallClock(to: wallClock)
        for input in testCase.inputs {
            switch input {
            case .record(let input):
                guard let source = sources[input.topic] else {
                    differences.append("\(input.location): no source reads topic '\(input.topic)'; sources read: \(sources.keys.sorted().joined(separator: ", "))")
                    continue
                }
                timestamp = input.timestamp ?? timestamp
                written += driver.pipe(
                    topic: input.topic, key: source.keyFormat.encode(input.key), value: source.valueFormat.encode(input.value), headers: input.headers,
                    timestamp: timestamp)
            case .advanceWallClock(let advance):
                switch advance.target {
                case .by(let duration): wallClock += duration
                case .to(let time): wallClock = max(wallClock, time)
                }
                written += driver.advanceWallClock(to: wallClock)
            }
        }

        let formats = sinkFormats(of: topology)
        let writable = Set(topology.sinkTopics).subtracting(topology.repartitionTopics).union([topology.deadLetterTopic])
        for (topic, expected) in testCase.expected {
            guard writable.contains(topic) else {
                // `misspelled: []` would otherwise pass whatever the topology writes.
                differences.append("\(testCase.location): the topology never writes '\(topic)'; it writes: \(writable.sorted().joined(separator: ", "))")
                continue
            }
            let format = formats[topic] ?? (key: .string, value: .json)
            let actual = written.filter { $0.topic == topic }.map { record in
                (key: decode(record.key, as: format.key), value: decode(record.value, as: format.value), timestamp: record.timestamp)
            }
            for index in 0..<max(expected.count, actual.count) {
                switch (index < expected.count ? expected[index] : nil, index < actual.count ? actual[index] : nil) {
                case let (want?, got?) where !(want.key.isEquivalent(to: got.key) && want.value.isEquivalent(to: got.value)
                                                 && (want.timestamp == nil || want.timestamp == got.timestamp)):
                    differences.append("\(want.location): \(topic) record \(index + 1): expected \(describe(want.key, want.value, want.timestamp))\n      got \(describe(got.key, got.value, want.timestamp == nil ? nil : got.timestamp))")
                case let (want?, nil):
                    differences.append("\(want.location): \(topic) record \(index + 1) missing: expected \(describe(want.key, want.value, want.timestamp))")
                case let (nil, got?):
                    differences.append("\(testCase.location): \(topic) record \(index + 1) not expected: \(describe(got.key, got.value, got.timestamp))")
                default:
                    break
                }
            }
        }
        let deadLetters = written.filter { $0.topic == topology.deadLetterTopic }.compactMap { letter in
            DeadLetterRecord(ConsumerRecord(
                topic: letter.topic, partition: letter.partition ?? 0, offset: 0, key: letter.key, value: letter.value, headers: letter.headers,
                timestamp: letter.timestamp ?? 0))
        }
        var notes: [String] = []
        if let expected = testCase.deadLetters {
            differences += compare(deadLetters, with: expected, sources: sources, caseLocation: testCase.location)
        } else if !testCase.expected.contains(where: { $0.topic == topology.deadLetterTopic }) {
            notes = deadLetters.map(describe)
        }
        return TopologyTestResult(name: testCase.name, location: testCase.location, differences: differences, notes: notes)
    }

    /// The differences between the dead letters written and those a case's `dead-letters:` expects, in order.
    private static func compare(
        _ letters: [DeadLetterRecord], with expected: [ExpectedDeadLetter], sources: [String: SourceDefinition], caseLocation: SourceLocation
    ) -> [String] {
        var differences: [String] = []
        for index in 0..<max(expected.count, letters.count) {
            switch (index < expected.count ? expected[index] : nil, index < letters.count ? letters[index] : nil) {
            case let (want?, got?):
                let source = sources[got.source.topic]
                let key = decode(got.key, as: source?.keyFormat ?? .string)
                let value = decode(got.value, as: source?.valueFormat ?? .json)
                var mismatches: [String] = []
                if let topic = want.topic, topic != got.source.topic { mismatches.append("topic '\(topic)'") }
                if let wanted = want.key, !wanted.isEquivalent(to: key) { mismatches.append("key \(wanted)") }
                if let wanted = want.value, !wanted.isEquivalent(to: value) { mismatches.append("value \(wanted)") }
                if let kind = want.kind, kind != got.kind { mismatches.append("kind '\(kind)'") }
                if let reason = want.reason, !got.reason.contains(reason) { mismatches.append("a reason containing '\(reason)'") }
                if let step = want.step, step != got.node { mismatches.append("step '\(step)'") }
                if !mismatches.isEmpty {
                    differences.append("\(want.location): dead letter \(index + 1): expected \(mismatches.joined(separator: ", "))\n      got \(describe(got)), key \(key) value \(value)")
                }
            case let (want?, nil):
                differences.append("\(want.location): dead letter \(index + 1) missing")
            case let (nil, got?):
                differences.append("\(caseLocation): dead letter \(index + 1) not expected: \(describe(got))")
            default:
                break
            }
        }
        return differences
    }

    /// A dead letter's reason, kind, step and input: `dead letter from in@3 at route.1.require (requirement-failed): ...`.
    private static func describe(_ letter: DeadLetterRecord) -> String {
        "dead letter from \(letter.source.topic)@\(letter.sourceOffset) at \(letter.node) (\(letter.kind)): \(letter.reason)"
    }

    private static func describe(_ key: JSONValue, _ value: JSONValue, _ timestamp: Int64?) -> String {
        "key \(key) value \(value)" + (timestamp.map { " timestamp \($0)" } ?? "")
    }

    private static func sinkFormats(of topology: Topology) -> [String: (key: RecordFormat, value: RecordFormat)] {
        var formats: [String: (key: RecordFormat, value: RecordFormat)] = [:]
        for node in topology.nodes {
            if case .sink(let topic, let key, let value) = node.operation { formats[topic] = (key, value) }
        }
        return formats
    }

    /// Output bytes as JSON in their format; bytes that are not valid in it are shown as text.
    private static func decode(_ bytes: [UInt8]?, as format: RecordFormat) -> JSONValue {
        (try? format.decode(bytes)) ?? .string(String(decoding: bytes ?? [], as: UTF8.self))
    }
}
