import StreamCore

/// Reads the `steps:` of pipelines and branches into ``StepDefinition``s.
///
/// Each list item is a mapping with exactly one step keyword and an optional `name`. What follows the
/// keyword is read by that keyword's entry in ``StepKeyword/all``; adding a kind of step is adding an
/// entry there (and a case to ``StepKind``).
struct StepParser {
    /// The names every step expression may use.
    static let recordRoots = TopologyParser.recordRoots
    /// The names of `flat-map`'s `key` and `value`: a record's, plus the element and its position.
    static let itemRoots = TopologyParser.itemRoots

    var diagnostics: DiagnosticCollector
    /// Every step's name so far, with where it was given and whether it was written (`name:`).
    private var stepNames: [String: (location: SourceLocation, isExplicit: Bool)] = [:]

    init(diagnostics: DiagnosticCollector) {
        self.diagnostics = diagnostics
    }

    /// A list of steps: a pipeline's, or a branch's inside it.
    struct StepList {
        /// The pipeline the steps belong to.
        let pipeline: String
        /// What default step names start with: `route`, or `route.2.branch.big` for a branch.
        let namePrefix: String
        /// The list's owner as messages name it: `pipeline 'route'`, `branch 'big' of pipeline 'route'`.
        let owner: String
    }

    /// One step being read: where it is, for default names and for recursion into branches.
    struct StepPosition {
        let list: StepList
        /// 0-based position in its list.
        let index: Int
        /// Where the step keyword is written.
        let keywordLocation: SourceLocation
    }

    // MARK: Lists

    /// Reads a `steps:` value.
    ///
    /// - Parameters:
    ///   - node: the value of `steps`.
    ///   - key: the `steps` key, where an empty list is reported.
    mutating func steps(_ node: YAMLNode, key: YAMLNode, in list: StepList) -> [StepDefinition] {
        guard let elements = node.sequence(for: "the steps of \(list.owner)", &diagnostics) else { return [] }
        guard !elements.isEmpty else {
            diagnostics.report("expected at least one step in \(list.owner)", at: key.location)
            return []
        }
        var steps: [StepDefinition] = []
        var chainEnd: String?
        var isUnreachableReported = false
        for (index, element) in elements.enumerated() {
            if let chainEnd, !isUnreachableReported {
                // Reported once, at the first step that cannot run; the steps themselves are still read.
                diagnostics.report("steps after '\(chainEnd)' are never reached", at: element.location)
                isUnreachableReported = true
            }
            let (keyword, step) = self.step(element, index: index, in: list)
            if let step { steps.append(step) }
            if chainEnd == nil, let keyword, StepKeyword.byKeyword[keyword]?.endsChain == true { chainEnd = keyword }
        }
        return steps
    }

    // MARK: Steps

    /// Reads one step.
    ///
    /// - Returns: the keyword the step is written with (when there is exactly one known keyword) and
    ///   the step, `nil` if it has a problem.
    private mutating func step(_ node: YAMLNode, index: Int, in list: StepList) -> (keyword: String?, step: StepDefinition?) {
        guard let entries = node.mapping(for: "step \(index) of \(list.owner)", &diagnostics) else { return (nil, nil) }
        var nameEntry: YAMLNode.Entry?
        var keywordEntries: [(keyword: StepKeyword, entry: YAMLNode.Entry)] = []
        var unknownEntries: [(name: String, entry: YAMLNode.Entry)] = []
        for entry in entries {
            guard let name = entry.key.string("a step keyword", for: "step \(index) of \(list.owner)", &diagnostics)?.value else {
                return (nil, nil)
            }
            if name == "name" {
                if nameEntry != nil {
                    diagnostics.report("duplicate field 'name' in step \(index) of \(list.owner)", at: entry.key.location)
                }
                nameEntry = entry
            } else if let keyword = StepKeyword.byKeyword[name] {
                keywordEntries.append((keyword, entry))
            } else {
                unknownEntries.append((name, entry))
            }
        }

        guard let (keyword, entry) = keywordEntries.first else {
            for (name, entry) in unknownEntries {
                diagnostics.report("unknown step '\(name)'; expected one of: \(StepKeyword.sortedKeywords)", at: entry.key.location)
            }
            if unknownEntries.isEmpty {
                diagnostics.report(
                    "a step must have exactly one step keyword, found 0; expected one of: \(StepKeyword.sortedKeywords)",
                    at: node.location
                )
            }
            return (nil, nil)
        }
        guard keywordEntries.count == 1 else {
            diagnostics.report(
                "a step must have exactly one step keyword, found \(keywordEntries.count): \(keywordEntries.map(\.keyword.keyword).joined(separator: ", "))",
                at: keywordEntries[1].entry.key.location
            )
            return (nil, nil)
        }
        for (name, unknown) in unknownEntries {
            diagnostics.report(
                "unknown field '\(name)' next to step keyword '\(keyword.keyword)'; a step has one step keyword and an optional 'name'",
                at: unknown.key.location
            )
        }

        let explicitName = nameEntry.flatMap { $0.value.string("a step name", for: "'name'", &diagnostics) }
        let position = StepPosition(list: list, index: index, keywordLocation: entry.key.location)
        guard let kind = keyword.parse(&self, entry.value, position), nameEntry == nil || explicitName != nil else {
            return (keyword.keyword, nil)
        }
        let name = explicitName ?? Located("\(list.namePrefix).\(index).\(kind.keyword)", at: entry.key.location)
        registerStepName(name, isExplicit: explicitName != nil, step: "step \(index) of \(list.owner)")
        return (keyword.keyword, StepDefinition(name: name.value, kind: kind, location: entry.key.location))
    }

    /// Step names become node names, so they must be unique in the topology. A default name can only
    /// repeat another default name where the file already has a reported duplicate (a pipeline or
    /// branch written twice), so only clashes involving a written name are reported.
    private mutating func registerStepName(_ name: Located<String>, isExplicit: Bool, step: String) {
        guard let existing = stepNames[name.value] else {
            stepNames[name.value] = (name.location, isExplicit)
            return
        }
        if isExplicit {
            diagnostics.report("duplicate step name '\(name.value)'", at: name.location)
        } else if existing.isExplicit {
            diagnostics.report(
                "step name '\(name.value)' is also the default name of \(step); expected another name",
                at: existing.location
            )
        }
    }

    // MARK: Values shared by several keywords

    /// A `key:` or `value:` format.
    mutating func format(_ node: YAMLNode?, for field: String) -> RecordFormat? {
        guard let text = node?.string("a format", for: "'\(field)'", &diagnostics) else { return nil }
        guard let format = RecordFormat(rawValue: text.value) else {
            let known = RecordFormat.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.report("unknown format '\(text.value)'; expected one of: \(known)", at: text.location)
            return nil
        }
        return format
    }

    /// A topic name, checked against Kafka's rules.
    mutating func topicName(_ node: YAMLNode, for field: String) -> Located<String>? {
        guard let name = node.string("a topic name", for: "'\(field)'", &diagnostics) else { return nil }
        if let problem = KafkaNameRules.problem(withTopicName: name.value) {
            diagnostics.report(problem, at: name.location)
            return nil
        }
        return name
    }

    /// Reads an optional field's value with `read`, clearing `isComplete` if it is written but could
    /// not be read.
    ///
    /// - Returns: the value, or `nil` if the field is not written or could not be read.
    mutating func optionalField<Value>(
        _ node: YAMLNode?,
        _ isComplete: inout Bool,
        _ read: (YAMLNode, inout DiagnosticCollector) -> Value?
    ) -> Value? {
        guard let node else { return nil }
        let value = read(node, &diagnostics)
        if value == nil { isComplete = false }
        return value
    }

    /// A source or pipeline name, or a list of them (`from:` and `merge:`).
    mutating func streamNames(_ node: YAMLNode, key: YAMLNode, for field: String) -> [Located<String>]? {
        let noun = "a source or pipeline name"
        guard let elements = node.elements else {
            return node.string(noun, for: "'\(field)'", &diagnostics).map { [$0] }
        }
        guard !elements.isEmpty else {
            diagnostics.report("expected at least one source or pipeline name in '\(field)'", at: key.location)
            return nil
        }
        let names = elements.compactMap { $0.string(noun, for: "'\(field)'", &diagnostics) }
        return names.count == elements.count ? names : nil
    }
}

// MARK: - Keywords

/// One step keyword and how its value is read.
struct StepKeyword: Sendable {
    /// Reads the value written after the keyword, reporting problems to the parser.
    typealias Parse = @Sendable (inout StepParser, YAMLNode, StepParser.StepPosition) -> StepKind?

    /// The YAML key.
    let keyword: String
    /// Whether records never get past this step, so that steps after it in the same list are a mistake.
    let endsChain: Bool
    let parse: Parse

    init(_ keyword: String, endsChain: Bool = false, _ parse: @escaping Parse) {
        self.keyword = keyword
        self.endsChain = endsChain
        self.parse = parse
    }

    /// Every step keyword.
    static let all: [StepKeyword] = [
        StepKeyword("filter") { parser, value, _ in parser.filter(value) },
        StepKeyword("require") { parser, value, step in parser.require(value, step) },
        StepKeyword("map-values") { parser, value, _ in parser.mapValues(value) },
        StepKeyword("map") { parser, value, step in parser.map(value, step) },
        StepKeyword("select-key") { parser, value, _ in parser.selectKey(value) },
        StepKeyword("set-time") { parser, value, _ in parser.setTime(value) },
        StepKeyword("flat-map") { parser, value, step in parser.flatMap(value, step) },
        StepKeyword("branch", endsChain: true) { parser, value, step in parser.branch(value, step) },
        StepKeyword("merge") { parser, value, step in parser.merge(value, step) },
        StepKeyword("log") { parser, value, step in parser.log(value, step, keyword: "log") },
        StepKeyword("peek") { parser, value, step in parser.log(value, step, keyword: "peek") },
        StepKeyword("to", endsChain: true) { parser, value, step in parser.to(value, step) },
        StepKeyword("group-by-key") { parser, value, step in parser.groupByKey(value, step) },
        StepKeyword("group-by") { parser, value, step in parser.groupBy(value, step) },
        StepKeyword("window") { parser, value, step in parser.window(value, step) },
        StepKeyword("count") { parser, value, step in parser.count(value, step) },
        StepKeyword("reduce") { parser, value, step in parser.reduce(value, step) },
        StepKeyword("aggregate") { parser, value, step in parser.aggregate(value, step) },
        StepKeyword("to-table") { parser, value, step in parser.toTable(value, step) },
        StepKeyword("to-stream") { parser, value, step in parser.toStream(value, step) },
        StepKeyword("join") { parser, value, step in parser.join(value, step) },
        StepKeyword("repartition") { parser, value, step in parser.repartition(value, step) },
        StepKeyword("timer") { parser, value, step in parser.timer(value, step) },
        StepKeyword("deduplicate") { parser, value, step in parser.deduplicate(value, step) },
        StepKeyword("classify") { parser, value, step in parser.classify(value, step) },
    ] + SinkKinds.all.map { kind in StepKeyword(kind.keyword, endsChain: true) { parser, value, step in parser.sink(kind, value, step) } }

    static let byKeyword: [String: StepKeyword] = Dictionary(uniqueKeysWithValues: all.map { ($0.keyword, $0) })

    /// `branch, filter, …`, for "unknown step" messages.
    static let sortedKeywords: String = all.map(\.keyword).sorted().joined(separator: ", ")
}

extension StepParser {
    /// The levels `log` accepts, as swift-log names them.
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error"]

    /// `filter: EXPR`
    mutating func filter(_ value: YAMLNode) -> StepKind? {
        value.expression(for: "filter", roots: Self.recordRoots, &diagnostics).map { .filter($0) }
    }

    /// `require: EXPR` or `require: { that: EXPR, reason: TEXT }`
    mutating func require(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard value.entries != nil else {
            return value.expression(for: "require", roots: Self.recordRoots, &diagnostics).map { .require($0, reason: nil) }
        }
        guard let fields = YAMLFields(value, of: "'require'", at: step.keywordLocation, allowed: ["that", "reason"], &diagnostics) else { return nil }
        let condition = fields.required("that", &diagnostics)?.expression(for: "that", roots: Self.recordRoots, &diagnostics)
        var reason: Located<String>?
        var isComplete = condition != nil
        if let reasonNode = fields["reason"] {
            reason = reasonNode.string(for: "'reason'", &diagnostics)
            isComplete = isComplete && reason != nil
        }
        guard isComplete, let condition else { return nil }
        return .require(condition, reason: reason?.value)
    }

    /// `map-values: TEMPLATE`
    mutating func mapValues(_ value: YAMLNode) -> StepKind? {
        value.template(for: "map-values", roots: Self.recordRoots, &diagnostics).map { .mapValues($0) }
    }

    /// `map: { key: EXPR, value: TEMPLATE }`
    mutating func map(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'map'", at: step.keywordLocation, allowed: ["key", "value"], &diagnostics) else { return nil }
        guard fields["key"] != nil || fields["value"] != nil else {
            diagnostics.report("expected at least one of 'key' and 'value' in 'map'", at: step.keywordLocation)
            return nil
        }
        var isComplete = true
        let key = optionalField(fields["key"], &isComplete) { $0.expression(for: "key", roots: Self.recordRoots, &$1) }
        let template = optionalField(fields["value"], &isComplete) { $0.template(for: "value", roots: Self.recordRoots, &$1) }
        guard isComplete else { return nil }
        return .map(key: key, value: template)
    }

    /// `select-key: EXPR`
    mutating func selectKey(_ value: YAMLNode) -> StepKind? {
        value.expression(for: "select-key", roots: Self.recordRoots, &diagnostics).map { .selectKey($0) }
    }

    /// `set-time: EXPR`
    mutating func setTime(_ value: YAMLNode) -> StepKind? {
        value.expression(for: "set-time", roots: Self.recordRoots, &diagnostics).map { .setTime($0) }
    }

    /// `flat-map: EXPR` or `flat-map: { items: EXPR, key: EXPR, value: TEMPLATE }`
    mutating func flatMap(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard value.entries != nil else {
            return value.expression(for: "flat-map", roots: Self.recordRoots, &diagnostics).map { .flatMap(items: $0, key: nil, value: nil) }
        }
        guard let fields = YAMLFields(value, of: "'flat-map'", at: step.keywordLocation, allowed: ["items", "key", "value"], &diagnostics) else {
            return nil
        }
        let items = fields.required("items", &diagnostics)?.expression(for: "items", roots: Self.recordRoots, &diagnostics)
        var isComplete = items != nil
        let key = optionalField(fields["key"], &isComplete) { $0.expression(for: "key", roots: Self.itemRoots, &$1) }
        let template = optionalField(fields["value"], &isComplete) { $0.template(for: "value", roots: Self.itemRoots, &$1) }
        guard isComplete, let items else { return nil }
        return .flatMap(items: items, key: key, value: template)
    }

    /// `branch: { NAME: { when: EXPR, steps: [...] }, ..., default: { steps: [...] } }`
    mutating func branch(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let entries = value.mapping(for: "'branch'", &diagnostics) else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report("expected at least one branch in 'branch'", at: step.keywordLocation)
            return nil
        }
        var branches: [BranchDefinition] = []
        var defaultBranch: [StepDefinition]?
        var names: Set<String> = []
        for (position, entry) in entries.enumerated() {
            guard let name = entry.key.string("a branch name", for: "'branch'", &diagnostics) else { continue }
            guard names.insert(name.value).inserted else {
                diagnostics.report("duplicate branch name '\(name.value)'", at: name.location)
                continue
            }
            let isDefault = name.value == "default"
            if isDefault, position != entries.count - 1 {
                diagnostics.report("'default' must be the last branch", at: name.location)
            }
            let owner = "branch '\(name.value)'"
            guard let fields = YAMLFields(entry.value, of: owner, at: name.location, allowed: ["steps", "when"], &diagnostics) else { continue }
            var condition: ExpressionText?
            if isDefault {
                if let when = fields.key("when") {
                    diagnostics.report("the 'default' branch takes the records no other branch takes, so it has no 'when'", at: when.location)
                }
            } else {
                condition = fields.required("when", &diagnostics)?.expression(for: "when", roots: Self.recordRoots, &diagnostics)
            }
            guard let stepsKey = fields.key("steps"), let stepsValue = fields.required("steps", &diagnostics) else { continue }
            let list = StepList(
                pipeline: step.list.pipeline,
                namePrefix: "\(step.list.namePrefix).\(step.index).branch.\(name.value)",
                owner: "branch '\(name.value)' of pipeline '\(step.list.pipeline)'"
            )
            let steps = self.steps(stepsValue, key: stepsKey, in: list)
            if isDefault {
                defaultBranch = steps
            } else if let condition {
                branches.append(BranchDefinition(name: name, condition: condition, steps: steps))
            }
        }
        return .branch(branches, defaultBranch: defaultBranch)
    }

    /// `merge: NAME` or `merge: [NAME, ...]`
    mutating func merge(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let names = streamNames(value, key: value, for: "merge") else { return nil }
        return .merge(names)
    }

    /// `log: {}` or `log: { message: EXPR, level: LEVEL }`, also written `peek`.
    mutating func log(_ value: YAMLNode, _ step: StepPosition, keyword: String) -> StepKind? {
        if value.isEmpty { return .log(message: nil, level: "info") }
        guard let fields = YAMLFields(value, of: "'\(keyword)'", at: step.keywordLocation, allowed: ["level", "message"], &diagnostics) else {
            return nil
        }
        var isComplete = true
        let message = optionalField(fields["message"], &isComplete) { $0.expression(for: "message", roots: Self.recordRoots, &$1) }
        let level = optionalField(fields["level"], &isComplete) { node, diagnostics -> String? in
            guard let text = node.string("a log level", for: "'level'", &diagnostics) else { return nil }
            guard Self.logLevels.contains(text.value) else {
                diagnostics.report("unknown log level '\(text.value)'; expected one of: \(Self.logLevels.joined(separator: ", "))", at: text.location)
                return nil
            }
            return text.value
        }
        guard isComplete else { return nil }
        return .log(message: message, level: level ?? "info")
    }

    /// `classify: { model: PATH | training: { data, text, label }, text: EXPR, into: FIELD }`
    mutating func classify(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'classify'", at: step.keywordLocation, allowed: ["into", "model", "text", "training"], &diagnostics) else { return nil }
        let text = fields.required("text", &diagnostics)?.expression(for: "text", roots: Self.recordRoots, &diagnostics)
        let into = fields.required("into", &diagnostics)?.string("a field name", for: "'into'", &diagnostics)
        let source: ClassifierSource?
        switch (fields["model"], fields["training"]) {
        case (let model?, nil):
            source = model.string("a model file (from runner classifier train)", for: "'model'", &diagnostics).map { .model($0) }
        case (nil, let training?):
            source = classifierTraining(training)
        default:
            diagnostics.report("'classify' needs exactly one of 'model' (a trained model file) and 'training' (labelled data to train from)", at: step.keywordLocation)
            source = nil
        }
        guard let source, let text, let into else { return nil }
        return .classify(source, text: text, into: into)
    }

    /// `training: { data: PATH | [PATH, ...], text: FIELD | [FIELD, ...], label: FIELD }`
    private mutating func classifierTraining(_ node: YAMLNode) -> ClassifierSource? {
        guard let fields = YAMLFields(node, of: "'training'", at: node.location, allowed: ["data", "label", "text"], &diagnostics) else { return nil }
        func strings(_ node: YAMLNode?, _ field: String, _ diagnostics: inout DiagnosticCollector) -> [Located<String>]? {
            guard let node else { return nil }
            let items = node.elements ?? [node]
            guard !items.isEmpty else {
                diagnostics.report("'\(field)' needs at least one \(field == "data" ? "file" : "field")", at: node.location)
                return nil
            }
            let values = items.compactMap { $0.string("a name", for: "'\(field)'", &diagnostics) }
            return values.count == items.count && !values.isEmpty ? values : nil
        }
        let data = strings(fields.required("data", &diagnostics), "data", &diagnostics)
        let text = strings(fields.required("text", &diagnostics), "text", &diagnostics)
        let label = fields.required("label", &diagnostics)?.string("a field name", for: "'label'", &diagnostics)
        guard let data, let text, let label else { return nil }
        return .training(data: data, textFields: text.map(\.value), labelField: label.value)
    }

    /// `to: TOPIC` or `to: { topic: TOPIC, key: FORMAT, value: FORMAT }`
    mutating func to(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard value.entries != nil else {
            return topicName(value, for: "to").map { .to(topic: $0, keyFormat: .string, valueFormat: .json) }
        }
        guard let fields = YAMLFields(value, of: "'to'", at: step.keywordLocation, allowed: ["key", "topic", "value"], &diagnostics) else { return nil }
        let topic = fields.required("topic", &diagnostics).flatMap { topicName($0, for: "topic") }
        let keyFormat = fields["key"] == nil ? .string : format(fields["key"], for: "key")
        let valueFormat = fields["value"] == nil ? .json : format(fields["value"], for: "value")
        guard let topic, let keyFormat, let valueFormat else { return nil }
        return .to(topic: topic, keyFormat: keyFormat, valueFormat: valueFormat)
    }
}
