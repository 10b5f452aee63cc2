import StreamCore

extension TopologyCompiler.Context {
    /// A sink step (`salesforce`, `http`, ...) — turns each record into the sink's message and writes it
    /// to the sink topic that the runner's sink worker delivers from; ends the chain.
    func compileSink(_ step: StepDefinition, _ sink: any SinkDefinition, on stream: KStream) -> KStream? {
        let message = sink.messageBuilder()
        let prepared = stream.transform(step.name, kind: sink.keyword) { record in try message(&record) }
        prepared.to("\(step.name).sink", topic: sink.topic(application: definition.applicationID.value), keyFormat: .string, valueFormat: .json)
        return nil
    }
}
