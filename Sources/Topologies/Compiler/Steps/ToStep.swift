import StreamCore

extension TopologyCompiler.Context {
    /// `to` — writes the stream to a topic; ends the chain.
    func compileTo(_ step: StepDefinition, topic: Located<String>, keyFormat: RecordFormat, valueFormat: RecordFormat, on stream: KStream) -> KStream? {
        stream.to(step.name, topic: topic.value, keyFormat: keyFormat, valueFormat: valueFormat)
        return nil
    }
}
