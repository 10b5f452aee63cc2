import StreamCore

extension TopologyCompiler.Context {
    /// `deduplicate` — the first copy of each id passes; its copies within `within` of stream time do not.
    func compileDeduplicate(_ step: StepDefinition, _ deduplicate: DeduplicateDefinition, on stream: KStream) -> KStream {
        let id = RecordEvaluator(deduplicate.id)
        return stream.deduplicate(step.name, Deduplication(store: deduplicate.store.value, within: deduplicate.within) { try id.evaluate($0) })
    }
}
