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
