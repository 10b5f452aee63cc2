import StreamCore

extension TopologyCompiler.Context {
    /// `select-key: EXPR` — replaces the key; a null key dead-letters the record.
    func compileSelectKey(_ step: StepDefinition, _ key: ExpressionText, on stream: KStream) -> KStream {
        let evaluator = RecordEvaluator(key)
        return stream.transform(step.name, kind: "select-key") { record in
            record.key = try requireKey(evaluator.evaluate(record), from: evaluator)
        }
    }
}
