import StreamCore

extension TopologyCompiler.Context {
    /// `join` — each record joined with its key's current value in a table (a source with `table:` or a
    /// pipeline ending in `to-table`), which must be co-partitioned with the stream.
    mutating func compileJoin(
        _ step: StepDefinition, table: Located<String>, kind: TableTableJoin.Kind, condition: ExpressionText?, lookup: TableLookup,
        value: ValueTemplate, on stream: KStream
    ) -> KStream? {
        if let globalStore = globalStores[table.value] {
            return compileGlobalJoin(step, store: globalStore, kind: kind, condition: condition, lookup: lookup, value: value, on: stream)
        }
        if case .foreignKey(let foreignKey) = lookup {
            return compileForeignKeyJoin(step, table: table, kind: kind, foreignKey: foreignKey, condition: condition, value: value, on: stream)
        }
        if let key = lookup.expression {
            diagnostics.append(TopologyDiagnostic("'key' and 'keys' look up other keys in a global table; '\(table.value)' is partitioned, so only the record's own key is there", at: key.location))
            return nil
        }
        guard let (tableStream, store) = materializedTable(table) else { return nil }
        if let left = streamInputs[stream.node], let right = streamInputs[tableStream.node], left.partitions != right.partitions {
            diagnostics.append(TopologyDiagnostic(
                "the stream (topic '\(left.topic)', \(left.partitions) partitions) and table '\(table.value)' (topic '\(right.topic)', \(right.partitions) partitions) are not co-partitioned, so a key's records and table value would meet in different tasks; re-key the stream with 'repartition' (partitions: \(right.partitions)) or give both topics the same partition count",
                at: table.location))
            return nil
        }
        let template = CompiledTemplate(value)
        if tables.contains(stream.node) {
            return compileTableJoin(step, tableStream, store: store, kind: kind, condition: condition, template: template, on: stream)
        }
        guard let streamKind = StreamTableJoin.Kind(rawValue: kind.rawValue) else {
            diagnostics.append(TopologyDiagnostic("a stream joins a table 'inner' or 'left'; 'outer' joins two tables", at: step.location))
            return nil
        }
        let conditionExpression = condition.map(RecordEvaluator.init)
        var matches: StreamTableJoin.Condition?
        if let conditionExpression {
            matches = { record, other in try conditionExpression.isSatisfied(record, extra: [other]) }
        }
        let joiner: StreamTableJoin.Joiner = { record, other in try template.build(for: record, extra: [other]) }
        return stream.join(step.name, StreamTableJoin(store: store, kind: streamKind, condition: matches, joiner: joiner))
    }

    /// The stream and store of the table `table` names, or a diagnostic when it names no materialized table.
    mutating func materializedTable(_ table: Located<String>) -> (stream: KStream, store: String)? {
        guard let tableStream = self.stream(named: table) else { return nil }
        guard let store = tableStores[tableStream.node] else {
            diagnostics.append(TopologyDiagnostic(
                "'\(table.value)' is not a materialized table: join with a source that has 'table:', or a pipeline ending in 'to-table'", at: table.location))
            return nil
        }
        return (tableStream, store)
    }

    /// `join` with a global table: any key (`key:`, default the record's) or keys (`keys:`) looked up
    /// from any task.
    private mutating func compileGlobalJoin(
        _ step: StepDefinition, store: String, kind: TableTableJoin.Kind, condition: ExpressionText?, lookup: TableLookup, value: ValueTemplate,
        on stream: KStream
    ) -> KStream? {
        guard let streamKind = StreamTableJoin.Kind(rawValue: kind.rawValue), !tables.contains(stream.node) else {
            diagnostics.append(TopologyDiagnostic("a stream joins a global table 'inner' or 'left'", at: step.location))
            return nil
        }
        if case .foreignKey(let foreignKey) = lookup {
            diagnostics.append(TopologyDiagnostic("a global table is looked up with 'key' (every instance holds all of it); 'foreign-key' joins a partitioned table", at: foreignKey.location))
            return nil
        }
        let template = CompiledTemplate(value)
        let conditionEvaluator = condition.map(RecordEvaluator.init)
        var matches: StreamTableJoin.Condition?
        if let conditionEvaluator { matches = { record, other in try conditionEvaluator.isSatisfied(record, extra: [other]) } }
        let joiner: StreamTableJoin.Joiner = { record, other in try template.build(for: record, extra: [other]) }
        var join = StreamTableJoin(store: store, kind: streamKind, condition: matches, joiner: joiner)
        switch lookup {
        case .recordKey:
            break
        case .key(let expression):
            let evaluator = RecordEvaluator(expression)
            join.lookupKey = { record in try evaluator.evaluate(record) }
        case .keys(let expression):
            let evaluator = RecordEvaluator(expression)
            join.lookupKeys = { record in try evaluator.evaluate(record) }
        case .foreignKey:
            preconditionFailure("a foreign key on a global table is diagnosed above")
        }
        return stream.join(step.name, globalTable: join)
    }

    /// `join` on a table with a table: the joined table's changes, both tables materialized.
    private mutating func compileTableJoin(
        _ step: StepDefinition, _ other: KStream, store otherStore: String, kind: TableTableJoin.Kind, condition: ExpressionText?,
        template: CompiledTemplate, on table: KStream
    ) -> KStream? {
        guard let store = tableStores[table.node] else {
            diagnostics.append(TopologyDiagnostic("a table joined with a table must be materialized: put 'to-table' right before 'join'", at: step.location))
            return nil
        }
        if condition != nil {
            diagnostics.append(TopologyDiagnostic("'when' is not supported on table-table joins; filter the joined table instead", at: step.location))
            return nil
        }
        // `value` is the left table's value (null when it has none), `other` the right table's.
        let joiner: TableTableJoin.Joiner = { left, right, update in
            var record = update
            record.value = left
            return try template.build(for: record, extra: [right])
        }
        let joined = table.join(step.name, table: other, TableTableJoin(leftStore: store, rightStore: otherStore, kind: kind, joiner: joiner))
        tables.insert(joined.node)
        streamInputs[joined.node] = streamInputs[table.node]
        return joined
    }
}

extension TopologyCompiler.Context {
    /// `join` with a `stream` — records joined with the other stream's records of the same key within
    /// the window; both must be co-partitioned.
    mutating func compileStreamJoin(_ step: StepDefinition, _ join: StreamJoinDefinition, on stream: KStream) -> KStream? {
        guard let named = self.stream(named: join.stream) else { return nil }
        let other = automaticallyRepartitioned(named, .joinedStream, before: step, partitions: streamInputs[stream.node]?.partitions)
        if let left = streamInputs[stream.node], let right = streamInputs[other.node], left.partitions != right.partitions {
            diagnostics.append(TopologyDiagnostic(
                "the stream (topic '\(left.topic)', \(left.partitions) partitions) and stream '\(join.stream.value)' (topic '\(right.topic)', \(right.partitions) partitions) are not co-partitioned, so records of a key would meet in different tasks; re-key one with 'repartition' (partitions: \(left.partitions)) or give both topics the same partition count",
                at: join.stream.location))
            return nil
        }
        let template = CompiledTemplate(join.value)
        let conditionEvaluator = join.condition.map(RecordEvaluator.init)
        // Expressions see the left record (a stand-in with the key and a null value when only the right
        // side is there) and the right value as `other`.
        let scope: @Sendable (StreamRecord?, StreamRecord?) -> (StreamRecord, JSONValue) = { left, right in
            var record = left ?? right!
            if left == nil { record.value = .null }
            return (record, right?.value ?? .null)
        }
        var condition: StreamStreamJoin.Condition?
        if let conditionEvaluator {
            condition = { left, right in
                let (record, other) = scope(left, right)
                return try conditionEvaluator.isSatisfied(record, extra: [other])
            }
        }
        let joiner: StreamStreamJoin.Joiner = { left, right in
            let (record, other) = scope(left, right)
            return try template.build(for: record, extra: [other])
        }
        let windowed = StreamStreamJoin(
            name: join.store.value, kind: join.kind, before: join.before, after: join.after, grace: join.grace, condition: condition, joiner: joiner)
        let joined = stream.join(step.name, other, windowed)
        streamInputs[joined.node] = streamInputs[stream.node]
        return joined
    }
}
