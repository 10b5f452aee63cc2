import StreamCore

extension TopologyCompiler.Context {
    /// `group-by-key` — marks the stream as grouped by its current key; adds no node.
    mutating func compileGroupByKey(_ step: StepDefinition, on stream: KStream) -> KStream {
        groupings[stream.node] = .some(nil)
        return stream
    }

    /// `group-by` — computes the new key, then re-keys through `<application-id>-NAME-repartition`. On a
    /// table, each change moves its row between groups: the old row leaves its group, the new one joins
    /// its group (Kafka Streams' `KTable#groupBy`), and the aggregation after it must subtract.
    mutating func compileGroupBy(
        _ step: StepDefinition, key: ExpressionText, value: ExpressionText?, repartition: Located<String>, partitions: Int?, on stream: KStream
    ) -> KStream? {
        guard tables.contains(stream.node) else {
            if let value {
                diagnostics.append(TopologyDiagnostic("'value' in 'group-by' regroups a table's rows; on a stream, put 'map-values' before 'group-by'", at: value.location))
                return nil
            }
            let grouped = compileRepartition(step, key: key, name: repartition, partitions: partitions, on: stream)
            groupings[grouped.node] = .some(nil)
            return grouped
        }
        let regrouping = TableRegrouping(key: RecordEvaluator(key), value: value.map(RecordEvaluator.init))
        let regrouped = stream.flatMap(step.name) { change in try regrouping.changes(of: change) }
        let grouped = sendThroughRepartitionTopic(regrouped, nodeName: step.name, name: repartition, partitions: partitions, input: stream)
        groupings[grouped.node] = .some(nil)
        groupedTables.insert(grouped.node)
        return grouped
    }

    /// `repartition` — optionally computes a new key, then sends the records through
    /// `<application-id>-NAME-repartition`, so that each key's records reach the task of its partition.
    /// A null key travels on, as in Kafka Streams: the aggregations and joins after it skip the record.
    mutating func compileRepartition(_ step: StepDefinition, key: ExpressionText?, name: Located<String>, partitions: Int?, on stream: KStream) -> KStream {
        var keyed = stream
        if let key {
            let evaluator = RecordEvaluator(key)
            keyed = stream.transform(step.name, kind: step.kind.keyword) { record in
                record.key = try evaluator.evaluate(record)
            }
        }
        return sendThroughRepartitionTopic(keyed, nodeName: step.name, name: name, partitions: partitions, input: stream)
    }

    /// `input` through its ``AutomaticRepartition`` before `step`, if Kafka Streams would insert one
    /// there: the step needs each key's records in one task, and the key changed since the last
    /// re-partitioning. The topic has `partitions` (default: the input's; a table's for a join with it).
    mutating func automaticallyRepartitioned(_ input: KStream, _ which: AutomaticRepartition.Input, before step: StepDefinition, partitions: Int? = nil) -> KStream {
        guard let automatic = automaticRepartitions[step.name]?.first(where: { $0.input == which }) else { return input }
        var partitions = partitions
        if case .join(let table, _, _, _, _) = step.kind, let tableStream = streams[table.value] ?? nil {
            partitions = streamInputs[tableStream.node]?.partitions
        }
        return sendThroughRepartitionTopic(input, nodeName: automatic.name, name: Located(automatic.name, at: automatic.location), partitions: partitions, input: input)
    }

    /// Sends `keyed` through `<application-id>-NAME-repartition` (nodes `NODE.repartition.sink` and
    /// `.source`), with `partitions` (default: those of `input`'s source).
    mutating func sendThroughRepartitionTopic(_ keyed: KStream, nodeName: String, name: Located<String>, partitions: Int?, input: KStream) -> KStream {
        let topic = TopologyDefinition.repartitionTopic(application: definition.applicationID.value, name: name.value)
        let repartitioned = keyed.repartition("\(nodeName).repartition", topic: topic)
        streamInputs[repartitioned.node] = (topic, partitions ?? streamInputs[input.node]?.partitions ?? TopologyDefinition.defaultPartitions)
        return repartitioned
    }

    /// `window` — sets the window of the grouped stream for the aggregation that follows; adds no node.
    mutating func compileWindow(_ step: StepDefinition, _ window: WindowDefinition, on stream: KStream) -> KStream {
        if groupedTables.contains(stream.node) {
            diagnostics.append(TopologyDiagnostic("a grouped table is aggregated over all time: 'window' groups streams only", at: step.location))
            return stream
        }
        switch groupings[stream.node] {
        case .none:
            diagnostics.append(TopologyDiagnostic("'window' needs grouped records: put 'group-by-key' or 'group-by' right before it", at: step.location))
        case .some(.some):
            diagnostics.append(TopologyDiagnostic("the records are already windowed: one 'window' per aggregation", at: step.location))
        case .some(.none):
            groupings[stream.node] = .some(window)
        }
        return stream
    }
}
