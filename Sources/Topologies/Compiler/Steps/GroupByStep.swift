import StreamCore

extension TopologyCompiler.Context {
    /// `group-by-key` — marks the stream as grouped by its current key; adds no node.
    mutating func compileGroupByKey(_ step: StepDefinition, on stream: KStream) -> KStream {
        groupings[stream.node] = .some(nil)
        return stream
    }

    /// `group-by` — computes the new key, then re-keys through `<application-id>-NAME-repartition`.
    mutating func compileGroupBy(_ step: StepDefinition, key: ExpressionText, repartition: Located<String>, partitions: Int?, on stream: KStream) -> KStream {
        let grouped = compileRepartition(step, key: key, name: repartition, partitions: partitions, on: stream)
        groupings[grouped.node] = .some(nil)
        return grouped
    }

    /// `repartition` — optionally computes a new key, then sends the records through
    /// `<application-id>-NAME-repartition`, so that each key's records reach the task of its partition.
    mutating func compileRepartition(_ step: StepDefinition, key: ExpressionText?, name: Located<String>, partitions: Int?, on stream: KStream) -> KStream {
        var keyed = stream
        if let key {
            let evaluator = RecordEvaluator(key)
            keyed = stream.transform(step.name, kind: step.kind.keyword) { record in
                record.key = try requireKey(evaluator.evaluate(record), from: evaluator)
            }
        }
        let topic = TopologyDefinition.repartitionTopic(application: definition.applicationID.value, name: name.value)
        let repartitioned = keyed.repartition("\(step.name).repartition", topic: topic)
        streamInputs[repartitioned.node] = (topic, partitions ?? streamInputs[stream.node]?.partitions ?? TopologyDefinition.defaultPartitions)
        return repartitioned
    }

    /// `window` — sets the window of the grouped stream for the aggregation that follows; adds no node.
    mutating func compileWindow(_ step: StepDefinition, _ window: WindowDefinition, on stream: KStream) -> KStream {
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
