import Foundation
import StreamCore

/// Reads a `NAME.test.yml` file:
///
/// ```yaml
/// partitions: 4                 # optional: every topic has 4 partitions, records placed by key hash
/// tests:
///   - name: counts a view
///     env: { HIGH_VALUE: 500 }    # optional: what env() reads while the topology loads
///     wall-clock: 2026-11-27T10:00:00Z   # optional: the wall clock at the start (default: the first input's timestamp)
///     inputs:
///       - { topic: customer-interactions, key: C1, timestamp: 2026-11-27T10:00:00.000Z, value: { event: Product Viewed }, headers: { source: web } }
///       - advance-wall-clock: 5m  # or a time; wall-clock timers due by then fire
///     expected:
///       product-views-per-minute:
///         - { key: P1, value: { count: 1 } }
///     dead-letters:               # optional: exactly these dead letters, in order
///       - { topic: customer-interactions, key: C2, kind: expression-failed, reason: "division by zero" }
/// ```
///
/// Values are YAML read as JSON: plain `42`, `1.5`, `true`, `null` are numbers, booleans and null;
/// anything quoted, and any other plain text, is a string.
public enum TopologyTestParser {
    /// How test files' names end.
    public static let testFileSuffix = ".test.yml"

    /// The test file next to a topology file: `x.yml` → `x.test.yml`.
    public static func testFile(for topologyFile: String) -> String {
        (topologyFile.hasSuffix(".yml") ? String(topologyFile.dropLast(4)) : topologyFile) + testFileSuffix
    }

    public static func parse(fileAt path: String) throws(TopologyDiagnostics) -> TopologyTestSuite {
        guard let data = FileManager.default.contents(atPath: path), let yaml = String(validating: data, as: UTF8.self) else {
            throw TopologyDiagnostics([TopologyDiagnostic("cannot read the test file", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        return try parse(yaml: yaml, file: path)
    }

    public static func parse(yaml: String, file: String) throws(TopologyDiagnostics) -> TopologyTestSuite {
        let root: YAMLNode?
        do {
            root = try YAMLSource.compose(yaml: yaml, file: file)
        } catch {
            throw TopologyDiagnostics([error])
        }
        var diagnostics = DiagnosticCollector()
        var cases: [TopologyTestCase] = []
        var partitions: Int?
        let start = SourceLocation(file: file, line: 1, column: 1)
        if let root, let fields = YAMLFields(root, of: "the test file", at: start, allowed: ["partitions", "tests"], &diagnostics) {
            partitions = fields["partitions"]?.positiveInteger(for: "'partitions'", &diagnostics)
            for test in fields.required("tests", &diagnostics)?.sequence(for: "'tests'", &diagnostics) ?? [] {
                if let parsed = testCase(test, &diagnostics) { cases.append(parsed) }
            }
        } else if root == nil {
            diagnostics.report("the test file is empty; expected a mapping with 'tests'", at: start)
        }
        guard diagnostics.isEmpty else { throw TopologyDiagnostics(diagnostics.diagnostics) }
        return TopologyTestSuite(file: file, partitions: partitions, cases: cases)
    }

    private static func testCase(_ node: YAMLNode, _ diagnostics: inout DiagnosticCollector) -> TopologyTestCase? {
        let allowed = ["dead-letters", "env", "expected", "inputs", "name", "partitions", "wall-clock"]
        guard let fields = YAMLFields(node, of: "a test", at: node.location, allowed: allowed, &diagnostics) else { return nil }
        let name = fields.required("name", &diagnostics)?.string(for: "'name'", &diagnostics)
        let partitions = fields["partitions"]?.positiveInteger(for: "'partitions'", &diagnostics)
        var environment: [String: String] = [:]
        for entry in fields["env"]?.mapping(for: "'env'", &diagnostics) ?? [] {
            guard let variable = entry.key.string("a variable name", for: "'env'", &diagnostics)?.value else { continue }
            guard entry.value.entries == nil, entry.value.elements == nil else {
                diagnostics.report("expected text for the variable '\(variable)', got \(entry.value.shapeDescription)", at: entry.value.location)
                continue
            }
            environment[variable] = entry.value.text ?? ""
        }
        let wallClockStart = fields["wall-clock"].flatMap { time($0, for: "'wall-clock'", &diagnostics) }
        let inputs = fields.required("inputs", &diagnostics)?.sequence(for: "'inputs'", &diagnostics)?.compactMap { input in
            self.input(input, &diagnostics)
        }
        var expected: [(topic: String, records: [TestRecord])] = []
        if let outputs = fields.required("expected", &diagnostics)?.mapping(for: "'expected'", &diagnostics) {
            for output in outputs {
                guard let topic = output.key.string("a topic name", for: "'expected'", &diagnostics)?.value else { continue }
                let records = output.value.isEmpty ? [] : output.value.sequence(for: "the records expected on '\(topic)'", &diagnostics)?.compactMap { element in
                    record(element, topic: topic, &diagnostics)
                }
                expected.append((topic, records ?? []))
            }
        }
        let deadLetters = fields["dead-letters"].map { node in
            node.isEmpty ? [] : (node.sequence(for: "'dead-letters'", &diagnostics) ?? []).compactMap { deadLetter($0, &diagnostics) }
        }
        guard let name, let inputs else { return nil }
        return TopologyTestCase(
            name: name.value, location: node.location, partitions: partitions, environment: environment, wallClockStart: wallClockStart,
            inputs: inputs, expected: expected, deadLetters: deadLetters)
    }

    /// An input record, or an `advance-wall-clock` step: a duration (forward by it) or a time (to it).
    private static func input(_ node: YAMLNode, _ diagnostics: inout DiagnosticCollector) -> TestInput? {
        guard let entries = node.entries, entries.count == 1, entries[0].key.text == "advance-wall-clock" else {
            return record(node, topic: nil, &diagnostics).map(TestInput.record)
        }
        let target = entries[0].value
        if let text = target.text, text.last?.isLetter == true, !text.contains("T") {
            return target.duration(for: "'advance-wall-clock'", &diagnostics).map { .advanceWallClock(WallClockAdvance(target: .by($0), location: node.location)) }
        }
        return time(target, for: "'advance-wall-clock' (a duration such as 5m, or a time)", &diagnostics).map {
            .advanceWallClock(WallClockAdvance(target: .to($0), location: node.location))
        }
    }

    /// An input record (`topic` nil: it names its own) or a record expected on `topic`; an expected
    /// record's `timestamp`, when given, is checked against the output's.
    private static func record(_ node: YAMLNode, topic: String?, _ diagnostics: inout DiagnosticCollector) -> TestRecord? {
        let allowed = (topic == nil ? ["headers", "topic"] : []) + ["key", "value", "timestamp"]
        guard let fields = YAMLFields(node, of: topic == nil ? "an input record" : "an expected record", at: node.location, allowed: allowed, &diagnostics) else {
            return nil
        }
        let recordTopic = topic ?? fields.required("topic", &diagnostics)?.string("a topic name", for: "'topic'", &diagnostics)?.value
        let timestamp = fields["timestamp"].flatMap { time($0, for: "'timestamp'", &diagnostics) }
        var headers: [KafkaHeader] = []
        for entry in fields["headers"]?.mapping(for: "'headers'", &diagnostics) ?? [] {
            guard let header = entry.key.string("a header name", for: "'headers'", &diagnostics)?.value else { continue }
            guard entry.value.entries == nil, entry.value.elements == nil else {
                diagnostics.report("expected text or null for the header '\(header)', got \(entry.value.shapeDescription)", at: entry.value.location)
                continue
            }
            // A plain `null` (or `~`, or nothing) is a header without a value, as Kafka allows.
            let isNull = entry.value.node.scalar?.style == .plain && ["", "null", "~"].contains(entry.value.text ?? "")
            headers.append(KafkaHeader(header, isNull ? nil : Array((entry.value.text ?? "").utf8)))
        }
        guard let recordTopic else { return nil }
        return TestRecord(
            topic: recordTopic, key: fields["key"].map(json) ?? .null, value: fields["value"].map(json) ?? .null, timestamp: timestamp,
            headers: headers, location: node.location)
    }

    private static func deadLetter(_ node: YAMLNode, _ diagnostics: inout DiagnosticCollector) -> ExpectedDeadLetter? {
        let allowed = ["key", "kind", "reason", "step", "topic", "value"]
        guard let fields = YAMLFields(node, of: "an expected dead letter", at: node.location, allowed: allowed, &diagnostics) else { return nil }
        func text(_ name: String) -> String? { fields[name]?.string(for: "'\(name)'", &diagnostics)?.value }
        return ExpectedDeadLetter(
            topic: text("topic"), key: fields["key"].map(json), value: fields["value"].map(json), kind: text("kind"), reason: text("reason"),
            step: text("step"), location: node.location)
    }

    /// An ISO-8601 time or epoch milliseconds.
    private static func time(_ node: YAMLNode, for subject: String, _ diagnostics: inout DiagnosticCollector) -> Int64? {
        guard let time = EventTimestamp.milliseconds(from: json(node)) else {
            diagnostics.report("expected an ISO-8601 time or epoch milliseconds for \(subject), got \(node.shapeDescription)", at: node.location)
            return nil
        }
        return time
    }

    /// YAML as JSON: mappings are objects, sequences arrays; plain scalars that read as numbers,
    /// booleans or null are those; everything else is a string.
    static func json(_ node: YAMLNode) -> JSONValue {
        if let entries = node.entries {
            return .object(JSONObject(entries.map { ($0.key.text ?? "", json($0.value)) }))
        }
        if let elements = node.elements { return .array(elements.map(json)) }
        let text = node.text ?? ""
        guard node.node.scalar?.style == .plain else { return .string(text) }
        switch text {
        case "", "null", "~": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default:
            if let integer = Int64(text) { return .int(integer) }
            if let double = Double(text), text.contains(where: { ".eE".contains($0) }) { return .double(double) }
            return .string(text)
        }
    }
}
