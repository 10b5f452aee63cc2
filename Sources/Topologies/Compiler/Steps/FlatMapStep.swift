import StreamCore

extension TopologyCompiler.Context {
    /// `flat-map` — one record per element of the `items` array; `key` and `value` (default: the element)
    /// may use `item` and `index`. A null `items` yields no records; anything else but an array is an error.
    func compileFlatMap(_ step: StepDefinition, items: ExpressionText, key: ExpressionText?, value: ValueTemplate?, on stream: KStream) -> KStream {
        let itemsEvaluator = RecordEvaluator(items)
        let keyEvaluator = key.map(RecordEvaluator.init)
        let valueTemplate = value.map(CompiledTemplate.init)
        return stream.flatMap(step.name) { record in
            let elements: [JSONValue]
            switch try itemsEvaluator.evaluate(record) {
            case .array(let array): elements = array
            case .null: elements = []
            case let other:
                throw StepFailure(.expressionFailed, "flat-map items '\(items.source)' yielded \(other.typeName), expected an array")
            }
            return try elements.enumerated().map { index, item in
                var produced = record
                let extra: [JSONValue] = [item, .int(Int64(index))]
                if let keyEvaluator { produced.key = try requireKey(keyEvaluator.evaluate(record, extra: extra), from: keyEvaluator) }
                produced.value = try valueTemplate?.build(for: record, extra: extra) ?? item
                return produced
            }
        }
    }
}
