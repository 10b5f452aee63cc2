import StreamCore

extension TopologyCompiler.Context {
    /// `join` — each record joined with its key's current value in a table (a source with `table:` or a
    /// pipeline ending in `to-table`), which must be co-partitioned with the stream.
    mutating func compileJoin(
        _ step: StepDefinition, table: Located<String>, kind: StreamTableJoin.Kind, condition: ExpressionText?, value: ValueTemplate, on stream: KStream
    ) -> KStream? {
        guard let tableStream = self.stream(named: table) else { return nil }
        guard let store = tableStores[tableStream.node] else {
            diagnostics.append(TopologyDiagnostic(
                "'\(table.value)' is not a materialized table: join with a source that has 'table:', or a pipeline ending in 'to-table'", at: table.location))
            return nil
        }
        if let left = streamInputs[stream.node], let right = streamInputs[tableStream.node], left.partitions != right.partitions {
            diagnostics.append(TopologyDiagnostic(
                "the stream (topic '\(left.topic)', \(left.partitions) partitions) and table '\(table.value)' (topic '\(right.topic)', \(right.partitions) partitions) are not co-partitioned, so a key's records and table value would meet in different tasks; re-key the stream with 'repartition' (partitions: \(right.partitions)) or give both topics the same partition count",
                at: table.location))
            return nil
        }
        let template = CompiledTemplate(value)
        let conditionExpression = condition.map(RecordEvaluator.init)
        var matches: StreamTableJoin.Condition?
        if let conditionExpression {
            matches = { record, other in try conditionExpression.isSatisfied(record, extra: [other]) }
        }
        let joiner: StreamTableJoin.Joiner = { record, other in try template.build(for: record, extra: [other]) }
        return stream.join(step.name, StreamTableJoin(store: store, kind: kind, condition: matches, joiner: joiner))
    }
}

extension TopologyCompiler.Context {
    /// `join` with a `stream` — records joined with the other stream's records of the same key within
    /// the window; both must be co-partitioned.
    mutating func compileStreamJoin(_ step: StepDefinition, _ join: StreamJoinDefinition, on stream: KStream) -> KStream? {
        guard let other = self.stream(named: join.stream) else { return nil }
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
