import StreamCore

extension TopologyCompiler.Context {
    /// `map: { key: EXPR, value: TEMPLATE }` — replaces the key and/or the value, both computed from the
    /// record as it arrived at the step.
    func compileMap(_ step: StepDefinition, key: ExpressionText?, value: ValueTemplate?, on stream: KStream) -> KStream {
        let keyEvaluator = key.map(RecordEvaluator.init)
        let valueTemplate = value.map(CompiledTemplate.init)
        return stream.transform(step.name, kind: "map") { record in
            let newKey = try keyEvaluator.map { try requireKey($0.evaluate(record), from: $0) }
            let newValue = try valueTemplate?.build(for: record)
            if let newKey { record.key = newKey }
            if let newValue { record.value = newValue }
        }
    }
}

/// A computed key must not be null: a keyed topic would scatter null-keyed records.
func requireKey(_ key: JSONValue, from evaluator: RecordEvaluator) throws -> JSONValue {
    guard !key.isNull else {
        throw StepFailure(.nullKey, "key expression '\(evaluator.expression.source)' yielded null")
    }
    return key
}
