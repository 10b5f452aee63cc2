import Foundation
import StreamCore

/// Reads a topology file into a ``TopologyDefinition``, or reports everything wrong with it.
///
/// The file's syntax is described in docs/DSL.md. Parsing goes on past a mistake so that one run
/// reports all of a file's problems, each as `FILE:LINE:COLUMN: message` saying what was expected;
/// a YAML syntax error is the exception, since nothing after it can be read.
public enum TopologyParser {
    /// The names expressions in steps and sources may use: the record's parts. Scopes evaluating
    /// these expressions bind the same names in this order.
    public static let recordRoots = ["key", "value", "headers", "timestamp", "window"]
    /// The names `flat-map`'s `key` and `value` may use: ``recordRoots``, then the array element
    /// (`item`) and its 0-based position (`index`).
    public static let itemRoots = recordRoots + ["item", "index"]

    /// Parses and validates the topology file at `path`.
    ///
    /// - Parameter path: the file, as the user named it; diagnostics use it as written.
    /// - Throws: ``TopologyDiagnostics`` with every problem in the file, in file order; a file that
    ///   cannot be read is one diagnostic at line 1, column 1.
    public static func parse(fileAt path: String) throws(TopologyDiagnostics) -> TopologyDefinition {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let reason =
                if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                    "no such file"
                } else if isDirectory.boolValue {
                    "it is a directory"
                } else {
                    "permission denied"
                }
            throw TopologyDiagnostics([TopologyDiagnostic("cannot read the topology file: \(reason)", at: start)])
        }
        guard let yaml = String(validating: data, as: UTF8.self) else {
            throw TopologyDiagnostics([TopologyDiagnostic("cannot read the topology file: it is not UTF-8 text", at: start)])
        }
        return try parse(yaml: yaml, file: path)
    }

    /// Parses and validates a topology from its text.
    ///
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - file: the file's name as diagnostics should show it.
    /// - Throws: ``TopologyDiagnostics`` with every problem found, in file order.
    public static func parse(yaml: String, file: String) throws(TopologyDiagnostics) -> TopologyDefinition {
        let root: YAMLNode?
        do {
            root = try YAMLSource.compose(yaml: yaml, file: file)
        } catch {
            throw TopologyDiagnostics([error])
        }
        guard let root, !root.isEmpty else {
            throw TopologyDiagnostics([
                TopologyDiagnostic(
                    "the file is empty; expected a mapping with 'application-id', 'sources' and 'pipelines'",
                    at: SourceLocation(file: file, line: 1, column: 1)
                )
            ])
        }
        // Carries the file's diagnostics, and the step names seen so far, through every section.
        var parser = StepParser(diagnostics: DiagnosticCollector())
        var sections: [Located<String>] = []
        let definition = topology(root, file: file, &parser, sections: &sections)
        guard let definition, parser.diagnostics.isEmpty else {
            var diagnostics = parser.diagnostics.diagnostics
            if let definition {
                diagnostics += StructuralCheck.diagnostics(of: definition, apartFrom: diagnostics, sections: sections)
            }
            throw TopologyDiagnostics(diagnostics.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        }
        return definition
    }

    // MARK: Sections

    /// The file's model; `sections` receives the name of each source and pipeline, where it starts.
    private static func topology(_ root: YAMLNode, file: String, _ parser: inout StepParser, sections: inout [Located<String>]) -> TopologyDefinition? {
        let allowed = ["application-id", "dashboard", "description", "name", "pipelines", "processing-guarantee", "sources", "threads", "topics"]
        guard let fields = YAMLFields(root, of: "the topology", at: root.location, allowed: allowed, &parser.diagnostics) else { return nil }

        let applicationID = fields.required("application-id", &parser.diagnostics).flatMap { node -> Located<String>? in
            guard let id = node.string("an application id", for: "'application-id'", &parser.diagnostics) else { return nil }
            guard KafkaNameRules.isPathSafe(id.value) else {
                parser.diagnostics.report("'application-id' may only contain letters, digits, '.', '_' and '-', and may not be '.' or '..' (it names the state directory)", at: id.location)
                return nil
            }
            return id
        }
        let name = fields["name"].flatMap { $0.string(for: "'name'", &parser.diagnostics) }
        let description = fields["description"].flatMap { $0.string(for: "'description'", &parser.diagnostics) }
        let processingGuarantee = fields["processing-guarantee"].flatMap { node -> ProcessingGuarantee? in
            guard let value = node.string(for: "'processing-guarantee'", &parser.diagnostics) else { return nil }
            guard let guarantee = ProcessingGuarantee(name: value.value) else {
                let known = ProcessingGuarantee.all.map { "'\($0.name)'" }.joined(separator: " or ")
                parser.diagnostics.report("'processing-guarantee' must be \(known), not '\(value.value)'", at: value.location)
                return nil
            }
            return guarantee
        }
        let streamThreads = fields["threads"].flatMap { $0.positiveInteger(for: "'threads'", &parser.diagnostics) }

        var sourceNames: [Located<String>] = []
        var sources: [SourceDefinition] = []
        if let node = fields.required("sources", &parser.diagnostics), let key = fields.key("sources"),
           let entries = nonEmptyMapping(node, key: key, field: "sources", noun: "source", &parser.diagnostics) {
            for entry in entries {
                guard let sourceName = entry.key.string("a source name", for: "'sources'", &parser.diagnostics) else { continue }
                sourceNames.append(sourceName)
                sections.append(sourceName)
                if let source = source(named: sourceName, entry.value, &parser) { sources.append(source) }
            }
        }

        var topics: [TopicDeclaration] = []
        if let node = fields["topics"], let entries = node.mapping(for: "'topics'", &parser.diagnostics) {
            for entry in entries {
                if let topic = topic(entry, &parser) { topics.append(topic) }
            }
        }

        var pipelines: [PipelineDefinition] = []
        if let node = fields.required("pipelines", &parser.diagnostics), let key = fields.key("pipelines"),
           let entries = nonEmptyMapping(node, key: key, field: "pipelines", noun: "pipeline", &parser.diagnostics) {
            for entry in entries {
                guard let pipelineName = entry.key.string("a pipeline name", for: "'pipelines'", &parser.diagnostics) else { continue }
                sections.append(pipelineName)
                if let pipeline = pipeline(named: pipelineName, entry.value, &parser) { pipelines.append(pipeline) }
            }
        }

        var dashboard: DashboardDefinition?
        if let node = fields["dashboard"], let key = fields.key("dashboard") {
            dashboard = Self.dashboard(node, at: key.location, &parser.diagnostics)
        }

        parser.diagnostics.append(contentsOf: ReferenceValidator.diagnostics(sourceNames: sourceNames, pipelines: pipelines, topics: topics))
        guard let applicationID else { return nil }
        return TopologyDefinition(
            file: file,
            name: name?.value ?? applicationID.value,
            applicationID: applicationID,
            description: description.map { trimmingTrailingNewlines($0.value) },
            sources: sources,
            topics: topics,
            pipelines: pipelines,
            dashboard: dashboard,
            processingGuarantee: processingGuarantee,
            streamThreads: streamThreads
        )
    }

    /// `text` without the line break a block scalar (`description: >`) ends with.
    private static func trimmingTrailingNewlines(_ text: String) -> String {
        var text = text
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }

    /// The entries of `sources:` or `pipelines:`, which must have at least one.
    private static func nonEmptyMapping(_ node: YAMLNode, key: YAMLNode, field: String, noun: String, _ diagnostics: inout DiagnosticCollector) -> [YAMLNode.Entry]? {
        guard let entries = node.mapping(for: "'\(field)'", &diagnostics) else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report("expected at least one \(noun) in '\(field)'", at: key.location)
            return nil
        }
        return entries
    }

    /// `NAME: { topic: TOPIC, key: FORMAT, value: FORMAT, event-time: EXPR, partitions: N, table: STORE }`
    private static func source(named name: Located<String>, _ node: YAMLNode, _ parser: inout StepParser) -> SourceDefinition? {
        let allowed = ["event-time", "global-table", "key", "partitions", "table", "topic", "value"]
        guard let fields = YAMLFields(node, of: "source '\(name.value)'", at: name.location, allowed: allowed, &parser.diagnostics) else { return nil }
        let topic = fields.required("topic", &parser.diagnostics).flatMap { parser.topicName($0, for: "topic") }
        let keyFormat = fields["key"] == nil ? .string : parser.format(fields["key"], for: "key")
        let valueFormat = fields["value"] == nil ? .json : parser.format(fields["value"], for: "value")
        var isComplete = true
        var eventTime: ExpressionText?
        if let node = fields["event-time"] {
            eventTime = node.expression(for: "event-time", roots: recordRoots, &parser.diagnostics)
            isComplete = isComplete && eventTime != nil
        }
        var partitions: Int?
        if let node = fields["partitions"] {
            partitions = node.positiveInteger(for: "'partitions'", &parser.diagnostics)
            isComplete = isComplete && partitions != nil
        }
        var tableStore: Located<String>?
        if let node = fields["table"] {
            tableStore = parser.internalName(node, for: "table")
            isComplete = isComplete && tableStore != nil
        }
        var globalStore: Located<String>?
        if let node = fields["global-table"] {
            globalStore = parser.internalName(node, for: "global-table")
            isComplete = isComplete && globalStore != nil
            if tableStore != nil {
                parser.diagnostics.report("a source is read as a 'table' (partitioned) or a 'global-table' (in full by every instance), not both", at: node.location)
                isComplete = false
            }
        }
        guard isComplete, let topic, let keyFormat, let valueFormat else { return nil }
        return SourceDefinition(
            name: name, topic: topic, keyFormat: keyFormat, valueFormat: valueFormat, eventTime: eventTime, partitions: partitions,
            tableStore: tableStore, globalStore: globalStore)
    }

    /// `TOPIC: N` or `TOPIC: { partitions: N }` under `topics:`.
    private static func topic(_ entry: YAMLNode.Entry, _ parser: inout StepParser) -> TopicDeclaration? {
        guard let name = parser.topicName(entry.key, for: "topics") else { return nil }
        let node = entry.value
        let partitions: Int?
        if node.entries != nil {
            let fields = YAMLFields(node, of: "topic '\(name.value)'", at: name.location, allowed: ["partitions"], &parser.diagnostics)
            partitions = fields?.required("partitions", &parser.diagnostics)?.positiveInteger(for: "'partitions'", &parser.diagnostics)
        } else if node.elements != nil {
            parser.diagnostics.report(
                "expected a partition count or a mapping with 'partitions' for topic '\(name.value)', got a sequence",
                at: node.location
            )
            partitions = nil
        } else {
            partitions = node.positiveInteger(for: "the partitions of topic '\(name.value)'", &parser.diagnostics)
        }
        return partitions.map { TopicDeclaration(name: name, partitions: $0) }
    }

    /// `NAME: { from: NAME | [NAME, ...], steps: [STEP, ...] }`
    ///
    /// A pipeline whose `from` or some steps have problems is still returned, with what could be read,
    /// so that ``ReferenceValidator`` sees its references.
    private static func pipeline(named name: Located<String>, _ node: YAMLNode, _ parser: inout StepParser) -> PipelineDefinition? {
        let allowed = ["clock", "every", "from", "steps", "store"]
        guard let fields = YAMLFields(node, of: "pipeline '\(name.value)'", at: name.location, allowed: allowed, &parser.diagnostics) else {
            return nil
        }
        var from: [Located<String>] = []
        var every: PunctuationDefinition?
        if let everyNode = fields["every"] {
            if let fromKey = fields.key("from") {
                parser.diagnostics.report("pipeline '\(name.value)' has both 'from' and 'every'; a pipeline reads streams or emits a store on a schedule", at: fromKey.location)
            }
            let interval = everyNode.duration(for: "'every'", &parser.diagnostics).map { Located($0, at: everyNode.location) }
            let store = fields.required("store", &parser.diagnostics).flatMap { $0.string("a store name", for: "'store'", &parser.diagnostics) }
            var clock = TimerSchedule.Clock.streamTime
            if let clockNode = fields["clock"] {
                clock = clockNode.choice(for: "clock", of: TimerSchedule.Clock.allCases, &parser.diagnostics) ?? clock
            }
            if let interval, let store { every = PunctuationDefinition(interval: interval, store: store, clock: clock) }
        } else {
            for field in ["store", "clock"] {
                if let key = fields.key(field) {
                    parser.diagnostics.report("'\(field)' belongs to a pipeline that runs 'every'; this one reads 'from'", at: key.location)
                }
            }
            if let fromNode = fields.required("from", &parser.diagnostics), let key = fields.key("from") {
                from = parser.streamNames(fromNode, key: key, for: "from") ?? []
            }
        }
        var steps: [StepDefinition] = []
        if let stepsNode = fields.required("steps", &parser.diagnostics), let key = fields.key("steps") {
            let list = StepParser.StepList(pipeline: name.value, namePrefix: name.value, owner: "pipeline '\(name.value)'")
            steps = parser.steps(stepsNode, key: key, in: list)
        }
        return PipelineDefinition(name: name, from: from, every: every, steps: steps)
    }
}
