import StreamCore

extension TopologyCompiler.Context {
    /// `sources:` — a topic read as a stream, with its event time; with `table:`, as a table kept in
    /// that store.
    mutating func compileSource(_ source: SourceDefinition) -> KStream {
        let eventTime: (@Sendable (StreamRecord) throws -> Int64)? = source.eventTime.map { text in
            let time = EventTimeEvaluator(text, field: "event-time")
            return { record in try time.milliseconds(of: record) }
        }
        let stream = builder.stream(source.name.value, topic: source.topic.value, keyFormat: source.keyFormat, valueFormat: source.valueFormat, eventTime: eventTime)
        streamInputs[stream.node] = (source.topic.value, source.partitions ?? TopologyDefinition.defaultPartitions)
        guard let store = source.tableStore else { return stream }
        let table = stream.toTable("\(source.name.value).table", store: store.value)
        tables.insert(table.node)
        tableStores[table.node] = store.value
        streamInputs[table.node] = streamInputs[stream.node]
        return table
    }
}
