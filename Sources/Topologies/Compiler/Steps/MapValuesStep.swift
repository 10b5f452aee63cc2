import StreamCore

extension TopologyCompiler.Context {
    /// `map-values: TEMPLATE` — replaces the value.
    func compileMapValues(_ step: StepDefinition, _ template: ValueTemplate, on stream: KStream) -> KStream {
        let compiled = CompiledTemplate(template)
        return stream.transform(step.name, kind: "map-values") { record in
            record.value = try compiled.build(for: record)
        }
    }
}
