import StreamCore

/// The stateful steps: grouping, windows, aggregations and tables.
extension StepParser {
    /// What an `aggregate` or `reduce` adder may use: the record's roots, then the aggregate so far.
    static let adderRoots = recordRoots + ["aggregate"]
    /// What a session `merger` may use: the two aggregates being merged.
    static let mergerRoots = ["aggregate", "other"]

    /// `group-by-key: {}`
    mutating func groupByKey(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard value.isEmpty || value.entries?.isEmpty == true else {
            diagnostics.report("'group-by-key' takes no fields: write 'group-by-key: {}'", at: value.location)
            return nil
        }
        return .groupByKey
    }

    /// `group-by: { key: EXPR, value: EXPR, repartition: NAME, partitions: N }`
    mutating func groupBy(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'group-by'", at: step.keywordLocation, allowed: ["key", "partitions", "repartition", "value"], &diagnostics) else {
            return nil
        }
        let key = fields.required("key", &diagnostics)?.expression(for: "key", roots: Self.recordRoots, &diagnostics)
        let repartition = fields.required("repartition", &diagnostics).flatMap { internalName($0, for: "repartition") }
        var isComplete = true
        let newValue = optionalField(fields["value"], &isComplete) { $0.expression(for: "value", roots: Self.recordRoots, &$1) }
        let partitions = optionalField(fields["partitions"], &isComplete) { $0.positiveInteger(for: "'partitions'", &$1) }
        guard isComplete, let key, let repartition else { return nil }
        return .groupBy(key: key, value: newValue, repartition: repartition, partitions: partitions)
    }

    /// `repartition: { key: EXPR, name: NAME, partitions: N }`
    mutating func repartition(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'repartition'", at: step.keywordLocation, allowed: ["key", "name", "partitions"], &diagnostics) else {
            return nil
        }
        let name = fields.required("name", &diagnostics).flatMap { internalName($0, for: "name") }
        var isComplete = true
        let key = optionalField(fields["key"], &isComplete) { $0.expression(for: "key", roots: Self.recordRoots, &$1) }
        let partitions = optionalField(fields["partitions"], &isComplete) { $0.positiveInteger(for: "'partitions'", &$1) }
        guard isComplete, let name else { return nil }
        return .repartition(key: key, name: name, partitions: partitions)
    }

    /// `window: { tumbling: SIZE | hopping: SIZE, advance: ADVANCE | session: GAP, grace: G, retention: R }`
    mutating func window(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let kinds = ["hopping", "session", "sliding", "tumbling"]
        guard let fields = YAMLFields(value, of: "'window'", at: step.keywordLocation, allowed: kinds + ["advance", "grace", "retention"], &diagnostics) else {
            return nil
        }
        let written = kinds.filter { fields[$0] != nil }
        guard written.count == 1, let kindName = written.first else {
            diagnostics.report("a window is exactly one of: tumbling, hopping, session, sliding; found \(written.isEmpty ? "none" : written.joined(separator: ", "))", at: step.keywordLocation)
            return nil
        }
        guard let length = fields[kindName]?.duration(for: "'\(kindName)'", &diagnostics) else { return nil }
        var isComplete = true
        let advance = optionalField(fields["advance"], &isComplete) { $0.duration(for: "'advance'", &$1) }
        let grace = optionalField(fields["grace"], &isComplete) { $0.duration(for: "'grace'", allowsZero: true, &$1) } ?? 0
        let retention = optionalField(fields["retention"], &isComplete) { $0.duration(for: "'retention'", &$1) }
        guard isComplete else { return nil }

        let kind: WindowDefinition.Kind
        switch kindName {
        case "hopping":
            guard let advance else {
                diagnostics.report("missing required field 'advance' in 'window' (hopping windows start every 'advance')", at: step.keywordLocation)
                return nil
            }
            guard advance <= length else {
                diagnostics.report("'advance' must not be longer than the window (\(length) ms), or records would fall between windows", at: fields.key("advance")!.location)
                return nil
            }
            kind = .hopping(size: length, advance: advance)
        case "session":
            kind = .session(gap: length)
        case "sliding":
            kind = .sliding(size: length)
        default:
            kind = .tumbling(size: length)
        }
        if kindName != "hopping", let advanceKey = fields.key("advance") {
            diagnostics.report("'advance' belongs to hopping windows only", at: advanceKey.location)
            return nil
        }
        let definition = WindowDefinition(kind: kind, grace: grace, retention: retention, location: step.keywordLocation)
        if let retention, retention < definition.specification.minimumRetention {
            diagnostics.report("'retention' must be at least the window's length plus its grace (\(definition.specification.minimumRetention) ms), or windows would vanish before they close", at: fields["retention"]!.location)
            return nil
        }
        return .window(definition)
    }

    /// `count: { store: NAME, emit: updates|final, late: drop|dead-letter }`
    mutating func count(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'count'", at: step.keywordLocation, allowed: ["emit", "late", "store", "ttl"], &diagnostics) else { return nil }
        return aggregationOptions(fields, step: "count").map { .count($0) }
    }

    /// `reduce: { adder: EXPR, subtractor: EXPR, store: NAME, emit: …, late: … }`
    mutating func reduce(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["adder", "emit", "late", "store", "subtractor", "ttl"]
        guard let fields = YAMLFields(value, of: "'reduce'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        let adder = fields.required("adder", &diagnostics)?.expression(for: "adder", roots: Self.adderRoots, &diagnostics)
        var isComplete = true
        let subtractor = optionalField(fields["subtractor"], &isComplete) { $0.expression(for: "subtractor", roots: Self.adderRoots, &$1) }
        let options = aggregationOptions(fields, step: "reduce")
        guard isComplete, let adder, let options else { return nil }
        return .reduce(adder: adder, subtractor: subtractor, options)
    }

    /// `aggregate: { initial: EXPR, adder: EXPR, merger: EXPR, store: NAME, emit: …, late: … }`
    mutating func aggregate(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["adder", "emit", "initial", "late", "merger", "store", "subtractor", "ttl"]
        guard let fields = YAMLFields(value, of: "'aggregate'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        let initial = fields.required("initial", &diagnostics)?.expression(for: "initial", roots: Self.recordRoots, &diagnostics)
        let adder = fields.required("adder", &diagnostics)?.expression(for: "adder", roots: Self.adderRoots, &diagnostics)
        var isComplete = true
        let merger = optionalField(fields["merger"], &isComplete) { $0.expression(for: "merger", roots: Self.mergerRoots, &$1) }
        let subtractor = optionalField(fields["subtractor"], &isComplete) { $0.expression(for: "subtractor", roots: Self.adderRoots, &$1) }
        let options = aggregationOptions(fields, step: "aggregate")
        guard isComplete, let initial, let adder, let options else { return nil }
        return .aggregate(initial: initial, adder: adder, merger: merger, subtractor: subtractor, options)
    }

    /// `to-table: { store: NAME }`
    mutating func toTable(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'to-table'", at: step.keywordLocation, allowed: ["store"], &diagnostics) else { return nil }
        return fields.required("store", &diagnostics).flatMap { internalName($0, for: "store") }.map { .toTable(store: $0) }
    }

    private mutating func aggregationOptions(_ fields: YAMLFields, step: String) -> AggregationOptions? {
        let store = fields.required("store", &diagnostics).flatMap { internalName($0, for: "store") }
        var isComplete = true
        let emit = optionalField(fields["emit"], &isComplete) { node, diagnostics in
            node.choice(for: "emit", of: EmitMode.allCases, &diagnostics)
        }
        let late = optionalField(fields["late"], &isComplete) { node, diagnostics in
            node.choice(for: "late", of: LateRecordPolicy.allCases, &diagnostics)
        }
        let timeToLive = optionalField(fields["ttl"], &isComplete) { node, diagnostics in
            node.duration(for: "'ttl'", &diagnostics).map { Located($0, at: node.location) }
        }
        guard isComplete, let store else { return nil }
        return AggregationOptions(store: store, emit: emit ?? .updates, lateRecords: late ?? .drop, timeToLive: timeToLive)
    }

    /// What a join's `when` and `value` may use: the record's roots, then the table's value.
    static let joinRoots = recordRoots + ["other"]

    /// `join: { table: NAME, kind: inner|left, when: EXPR, value: TEMPLATE }`, or with another stream
    /// `join: { stream: NAME, window: { before: D, after: D, grace: D }, kind: inner|left|outer, store: NAME, when: EXPR, value: TEMPLATE }`
    mutating func join(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["foreign-key", "key", "keys", "kind", "store", "stream", "table", "value", "when", "window"]
        guard let fields = YAMLFields(value, of: "'join'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        guard (fields["table"] == nil) != (fields["stream"] == nil) else {
            diagnostics.report("a join names exactly one of 'table' (a table to look keys up in) and 'stream' (a stream to join within a window)", at: step.keywordLocation)
            return nil
        }
        let template = fields.required("value", &diagnostics)?.template(for: "value", roots: Self.joinRoots, &diagnostics)
        var isComplete = true
        let condition = optionalField(fields["when"], &isComplete) { $0.expression(for: "when", roots: Self.joinRoots, &$1) }
        if let table = fields["table"] {
            for field in ["store", "window"] where fields[field] != nil {
                diagnostics.report("'\(field)' belongs to joins with a 'stream'; a table join uses the table's own store", at: fields.key(field)!.location)
                isComplete = false
            }
            let name = table.string("a source or pipeline name", for: "'table'", &diagnostics)
            let kind = optionalField(fields["kind"], &isComplete) { node, diagnostics in
                node.choice(for: "kind", of: TableTableJoin.Kind.allCases, &diagnostics)
            }
            if fields["key"] != nil, let keys = fields.key("keys") {
                diagnostics.report("a join looks up either one 'key' or several 'keys', not both", at: keys.location)
                isComplete = false
            }
            if fields["key"] != nil || fields["keys"] != nil, let foreignKey = fields.key("foreign-key") {
                diagnostics.report("'foreign-key' joins a partitioned table, 'key' and 'keys' look up a global table: write one of them", at: foreignKey.location)
                isComplete = false
            }
            var lookup = TableLookup.recordKey
            if let key = optionalField(fields["key"], &isComplete, { $0.expression(for: "key", roots: Self.recordRoots, &$1) }) {
                lookup = .key(key)
            }
            if let keys = optionalField(fields["keys"], &isComplete, { $0.expression(for: "keys", roots: Self.recordRoots, &$1) }) {
                lookup = .keys(keys)
            }
            if let foreignKey = optionalField(fields["foreign-key"], &isComplete, { $0.expression(for: "foreign-key", roots: Self.recordRoots, &$1) }) {
                lookup = .foreignKey(foreignKey)
            }
            guard isComplete, let name, let template else { return nil }
            return .join(table: name, kind: kind ?? .inner, condition: condition, lookup: lookup, value: template)
        }
        for field in ["key", "keys", "foreign-key"] {
            guard let key = fields.key(field) else { continue }
            diagnostics.report("'\(field)' belongs to joins with a table; a stream join matches equal keys", at: key.location)
            isComplete = false
        }
        let stream = fields["stream"]!.string("a source or pipeline name", for: "'stream'", &diagnostics)
        let store = fields.required("store", &diagnostics).flatMap { internalName($0, for: "store") }
        let kind = optionalField(fields["kind"], &isComplete) { node, diagnostics in
            node.choice(for: "kind", of: StreamStreamJoin.Kind.allCases, &diagnostics)
        }
        let window = fields.required("window", &diagnostics).flatMap { joinWindow($0) }
        guard isComplete, let stream, let store, let window, let template else { return nil }
        return .streamJoin(StreamJoinDefinition(
            stream: stream, kind: kind ?? .inner, before: window.before, after: window.after, grace: window.grace,
            store: store, condition: condition, value: template))
    }

    /// `{ within: D }` (both ways) or `{ before: D, after: D }`, with an optional `grace: D`.
    private mutating func joinWindow(_ node: YAMLNode) -> (before: Int64, after: Int64, grace: Int64)? {
        guard let fields = YAMLFields(node, of: "the join 'window'", at: node.location, allowed: ["after", "before", "grace", "within"], &diagnostics) else { return nil }
        var isComplete = true
        let within = optionalField(fields["within"], &isComplete) { $0.duration(for: "'within'", allowsZero: true, &$1) }
        let before = optionalField(fields["before"], &isComplete) { $0.duration(for: "'before'", allowsZero: true, &$1) }
        let after = optionalField(fields["after"], &isComplete) { $0.duration(for: "'after'", allowsZero: true, &$1) }
        let grace = optionalField(fields["grace"], &isComplete) { $0.duration(for: "'grace'", allowsZero: true, &$1) } ?? 0
        guard isComplete else { return nil }
        if within != nil, before != nil || after != nil {
            diagnostics.report("'within' sets both 'before' and 'after': give either 'within' or 'before'/'after'", at: node.location)
            return nil
        }
        guard within != nil || before != nil || after != nil else {
            diagnostics.report("a join window needs 'within', or 'before' and/or 'after'", at: node.location)
            return nil
        }
        return (within ?? before ?? 0, within ?? after ?? 0, grace)
    }

    /// `timer: { store: NAME, after: DURATION, start-when: EXPR, cancel-when: EXPR, id: EXPR, value: TEMPLATE, retraction: TEMPLATE }`
    mutating func timer(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        let allowed = ["after", "cancel-when", "clock", "id", "retraction", "start-when", "store", "value"]
        guard let fields = YAMLFields(value, of: "'timer'", at: step.keywordLocation, allowed: allowed, &diagnostics) else { return nil }
        let store = fields.required("store", &diagnostics).flatMap { internalName($0, for: "store") }
        let delay = fields.required("after", &diagnostics)?.duration(for: "'after'", &diagnostics)
        let startsWhen = fields.required("start-when", &diagnostics)?.expression(for: "start-when", roots: Self.recordRoots, &diagnostics)
        let template = fields.required("value", &diagnostics)?.template(for: "value", roots: Self.recordRoots, &diagnostics)
        var isComplete = true
        let cancelsWhen = optionalField(fields["cancel-when"], &isComplete) { $0.expression(for: "cancel-when", roots: Self.recordRoots, &$1) }
        let identifier = optionalField(fields["id"], &isComplete) { $0.expression(for: "id", roots: Self.recordRoots, &$1) }
        let clock = optionalField(fields["clock"], &isComplete) { node, diagnostics in
            node.choice(for: "clock", of: TimerSchedule.Clock.allCases, &diagnostics)
        }
        let retraction = optionalField(fields["retraction"], &isComplete) { $0.template(for: "retraction", roots: Self.recordRoots, &$1) }
        guard isComplete, let store, let delay, let startsWhen, let template else { return nil }
        if let node = fields["retraction"] {
            if clock == .wallClock {
                diagnostics.report("'retraction' needs the stream-time clock: a wall-clock timer has no event time to be late against", at: node.location)
                return nil
            }
            if cancelsWhen == nil {
                diagnostics.report("'retraction' needs 'cancel-when': it is what a cancel arriving after its timer fired sends", at: node.location)
                return nil
            }
        }
        return .timer(TimerDefinition(
            store: store, delay: delay, clock: clock ?? .streamTime, startsWhen: startsWhen, cancelsWhen: cancelsWhen, identifier: identifier, value: template,
            retraction: retraction))
    }

    /// `deduplicate: { id: EXPR, within: DURATION, store: NAME }`
    mutating func deduplicate(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard let fields = YAMLFields(value, of: "'deduplicate'", at: step.keywordLocation, allowed: ["id", "store", "within"], &diagnostics) else { return nil }
        let id = fields.required("id", &diagnostics)?.expression(for: "id", roots: Self.recordRoots, &diagnostics)
        let within = fields.required("within", &diagnostics)?.duration(for: "'within'", &diagnostics)
        let store = fields.required("store", &diagnostics).flatMap { internalName($0, for: "store") }
        guard let id, let within, let store else { return nil }
        return .deduplicate(DeduplicateDefinition(id: id, within: within, store: store))
    }

    /// `to-stream: {}`
    mutating func toStream(_ value: YAMLNode, _ step: StepPosition) -> StepKind? {
        guard value.isEmpty || value.entries?.isEmpty == true else {
            diagnostics.report("'to-stream' takes no fields: write 'to-stream: {}'", at: value.location)
            return nil
        }
        return .toStream
    }

    /// A store or repartition name: it becomes part of a topic name and a directory name.
    mutating func internalName(_ node: YAMLNode, for field: String) -> Located<String>? {
        guard let name = node.string("a name", for: "'\(field)'", &diagnostics) else { return nil }
        guard KafkaNameRules.isPathSafe(name.value) else {
            diagnostics.report("'\(field)' may only contain letters, digits, '.', '_' and '-', and may not be '.' or '..' (it names internal topics and directories)", at: name.location)
            return nil
        }
        return name
    }
}

