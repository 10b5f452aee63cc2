import StreamCore

extension TopologyCompiler.Context {
    /// `filter: EXPR` — keeps the records for which the expression is `true`.
    func compileFilter(_ step: StepDefinition, _ condition: ExpressionText, on stream: KStream) -> KStream {
        let evaluator = RecordEvaluator(condition)
        return stream.filter(step.name) { try evaluator.isSatisfied($0) }
    }
}
