import StreamCore

/// Steps on tables: a table's records are changes to the latest value per key, and a null value
/// deletes the key (Kafka Streams' KTable).
extension TopologyCompiler.Context {
    /// `to-table` — the latest value per key in a store; the stream after it is a table.
    mutating func compileToTable(_ step: StepDefinition, store: Located<String>, on stream: KStream) -> KStream {
        let table = stream.toTable(step.name, store: store.value)
        tables.insert(table.node)
        tableStores[table.node] = store.value
        return table
    }

    /// `to-stream` — the table's changes as a stream; adds no node.
    mutating func compileToStream(_ step: StepDefinition, on stream: KStream) -> KStream {
        if !tables.contains(stream.node), !aggregationResults.contains(stream.node) {
            diagnostics.append(TopologyDiagnostic("'to-stream' needs a table: a source with 'table:' or a 'to-table' step before it", at: step.location))
        }
        let passThrough = stream.transform(step.name, kind: "to-stream") { record in record.oldValue = nil }
        return passThrough
    }

    /// `filter` on a table — a key whose new value fails the condition is deleted (a null value
    /// downstream), as in Kafka Streams, so that the filtered table never keeps a stale value. A change
    /// whose old and new values both fail goes nowhere: the filtered table did not hold the key and still
    /// does not (Kafka Streams' `KTableFilter` after a materialized table, which every Tributary table is).
    mutating func compileTableFilter(_ step: StepDefinition, _ condition: ExpressionText, on stream: KStream) -> KStream {
        let evaluator = RecordEvaluator(condition)
        let filtered = stream.transform(step.name, kind: "table-filter") { record in
            if let old = record.oldValue, try !evaluator.isSatisfied(record.withValue(old)) { record.oldValue = nil }
            if !record.value.isNull, try !evaluator.isSatisfied(record) { record.value = .null }
        }.filter("\(step.name).changes") { record in
            !(record.value.isNull && record.oldValue == nil)
        }
        tables.insert(filtered.node)
        return filtered
    }

    /// `map-values` on a table — maps values; a deletion (null) stays a deletion.
    mutating func compileTableMapValues(_ step: StepDefinition, _ template: ValueTemplate, on stream: KStream) -> KStream {
        let compiled = CompiledTemplate(template)
        let mapped = stream.transform(step.name, kind: "table-map-values") { record in
            record.oldValue = try record.oldValue.map { old in try compiled.build(for: record.withValue(old)) }?.nonNull
            if !record.value.isNull { record.value = try compiled.build(for: record) }
        }
        tables.insert(mapped.node)
        return mapped
    }
}
