import StreamCore

extension TopologyCompiler.Context {
    /// `merge: [NAME...]` — this stream and the named sources' or pipelines' streams, as one.
    mutating func compileMerge(_ step: StepDefinition, _ names: [Located<String>], on input: KStream) -> KStream {
        let others = names.compactMap { stream(named: $0) }
        return input.merge(step.name, with: others)
    }
}
