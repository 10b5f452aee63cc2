import StreamCore

extension TopologyCompiler.Context {
    /// `count` — the number of records per key (and window); of a grouped table, the rows per group.
    mutating func compileCount(_ step: StepDefinition, _ options: AggregationOptions, on stream: KStream) -> KStream? {
        let sum: Aggregation.Merger = { aggregate, other in .int((aggregate.int64Value ?? 0) + (other.int64Value ?? 0)) }
        let initializer: Aggregation.Initializer = { _ in .int(0) }
        let add: Aggregation.Adder = { aggregate, _ in .int((aggregate.int64Value ?? 0) + 1) }
        let subtract: Aggregation.Adder = { aggregate, _ in .int((aggregate.int64Value ?? 0) - 1) }
        return compileAggregation(step, options, on: stream, initializer: initializer, adder: add, merger: sum, subtractor: groupedTables.contains(stream.node) ? subtract : nil)
    }

    /// `reduce` — the first value, then `adder` over `aggregate` and each record. Sessions merge by
    /// applying `adder` with the other session's aggregate as `value`, as Kafka Streams' reducer does.
    mutating func compileReduce(_ step: StepDefinition, adder: ExpressionText, subtractor: ExpressionText?, _ options: AggregationOptions, on stream: KStream) -> KStream? {
        let evaluator = RecordEvaluator(adder)
        let add: Aggregation.Adder = { aggregate, record in try evaluator.evaluate(record, extra: [aggregate]) }
        let merge: Aggregation.Merger = { aggregate, other in
            let carrier = StreamRecord(key: .null, value: other, timestamp: 0, origin: RecordOrigin(topic: "", partition: 0, offset: 0))
            return try evaluator.evaluate(carrier, extra: [aggregate])
        }
        return compileAggregation(step, options, on: stream, initializer: nil, adder: add, merger: merge, subtractor: compileSubtractor(subtractor, of: step, on: stream))
    }

    /// `aggregate` — `initial` for a new key, then `adder` over `aggregate` and each record; sessions
    /// need `merger` over `aggregate` and `other`.
    mutating func compileAggregate(
        _ step: StepDefinition, initial: ExpressionText, adder: ExpressionText, merger: ExpressionText?, subtractor: ExpressionText?,
        _ options: AggregationOptions, on stream: KStream
    ) -> KStream? {
        let initialEvaluator = RecordEvaluator(initial)
        let adderEvaluator = RecordEvaluator(adder)
        let mergerExpression = merger?.expression
        if case .some(.some(let window)) = groupings[stream.node], case .session = window.kind, merger == nil {
            diagnostics.append(TopologyDiagnostic("'aggregate' over session windows needs a 'merger' (over 'aggregate' and 'other'): a record can join two sessions into one", at: step.location))
            return nil
        }
        let initializer: Aggregation.Initializer = { record in try initialEvaluator.evaluate(record) }
        let add: Aggregation.Adder = { aggregate, record in try adderEvaluator.evaluate(record, extra: [aggregate]) }
        var merge: Aggregation.Merger?
        if let mergerExpression {
            merge = { aggregate, other in
                try mergerExpression.evaluate(in: ExpressionScope(roots: StepParser.mergerRoots, values: [aggregate, other]))
            }
        }
        return compileAggregation(
            step, options, on: stream, initializer: initializer, adder: add, merger: merge, subtractor: compileSubtractor(subtractor, of: step, on: stream))
    }

    /// A `subtractor` over `aggregate` and the row leaving the group. A grouped table needs one (a row
    /// that moves must leave its old group's aggregate); a grouped stream has none to apply.
    private mutating func compileSubtractor(_ subtractor: ExpressionText?, of step: StepDefinition, on stream: KStream) -> Aggregation.Adder? {
        switch (subtractor, groupedTables.contains(stream.node)) {
        case (let subtractor?, true):
            let evaluator = RecordEvaluator(subtractor)
            return { aggregate, record in try evaluator.evaluate(record, extra: [aggregate]) }
        case (nil, true):
            diagnostics.append(TopologyDiagnostic(
                "'\(step.kind.keyword)' of a grouped table needs a 'subtractor' (over 'aggregate' and the row's old 'value'): a row that changes leaves its old group", at: step.location))
        case (let subtractor?, false):
            diagnostics.append(TopologyDiagnostic("'subtractor' belongs to aggregations of a grouped table ('group-by' on a table); a stream's records only add", at: subtractor.location))
        case (nil, false):
            break
        }
        return nil
    }

    private mutating func compileAggregation(
        _ step: StepDefinition, _ options: AggregationOptions, on stream: KStream,
        initializer: Aggregation.Initializer?, adder: @escaping Aggregation.Adder, merger: Aggregation.Merger?, subtractor: Aggregation.Adder?
    ) -> KStream? {
        guard case .some(let window) = groupings[stream.node] else {
            diagnostics.append(TopologyDiagnostic(
                "'\(step.kind.keyword)' needs grouped records: put 'group-by-key' or 'group-by' (and optionally 'window') right before it", at: step.location))
            return nil
        }
        if options.emit == .final, window == nil {
            diagnostics.append(TopologyDiagnostic("'emit: final' needs windows: a result is final when its window closes; add a 'window' step before '\(step.kind.keyword)'", at: options.store.location))
            return nil
        }
        if let timeToLive = options.timeToLive, window != nil || subtractor != nil {
            diagnostics.append(TopologyDiagnostic(
                window != nil
                    ? "'ttl' is for aggregations over all time; windows leave the store by their 'retention'"
                    : "'ttl' is for aggregations of a stream; a grouped table's rows leave their group when the table deletes them",
                at: timeToLive.location))
            return nil
        }
        let aggregation = Aggregation(
            store: options.store.value, windows: window.map(\.specification), retention: window?.retention,
            initializer: initializer, adder: adder, merger: merger, subtractor: subtractor, emit: options.emit, lateRecords: options.lateRecords,
            timeToLive: options.timeToLive?.value)
        let result = stream.aggregate(step.name, aggregation)
        if groupedTables.contains(stream.node) {
            // A grouped table's aggregates are a table, materialized in the aggregation's store.
            tables.insert(result.node)
            tableStores[result.node] = options.store.value
        } else {
            aggregationResults.insert(result.node)
        }
        return result
    }
}
