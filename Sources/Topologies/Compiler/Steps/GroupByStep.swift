import StreamCore

extension TopologyCompiler.Context {
    /// `group-by-key` — marks the stream as grouped by its current key; adds no node.
    mutating func compileGroupByKey(_ step: StepDefinition, on stream: KStream) -> KStream {
        groupings[stream.node] = .some(nil)
        return stream
    }

    /// `group-by` — computes the new key, then re-keys through `<application-id>-NAME-repartition`.
    mutating func compileGroupBy(_ step: StepDefinition, key: ExpressionText, repartition: Located<String>, on stream: KStream) -> KStream {
        let evaluator = RecordEvaluator(key)
        let rekeyed = stream.transform(step.name, kind: "group-by") { record in
            record.key = try requireKey(evaluator.evaluate(record), from: evaluator)
        }
        let topic = TopologyDefinition.repartitionTopic(application: definition.applicationID.value, name: repartition.value)
        let grouped = rekeyed.repartition("\(step.name).repartition", topic: topic)
        groupings[grouped.node] = .some(nil)
        return grouped
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
