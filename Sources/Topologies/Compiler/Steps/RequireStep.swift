import StreamCore

extension TopologyCompiler.Context {
    /// `require: EXPR` — dead-letters the records for which the expression is not `true`.
    func compileRequire(_ step: StepDefinition, _ condition: ExpressionText, reason: String?, on stream: KStream) -> KStream {
        let evaluator = RecordEvaluator(condition)
        return stream.require(step.name, reason: reason ?? "requirement not met: \(condition.source)") { try evaluator.isSatisfied($0) }
    }
}
