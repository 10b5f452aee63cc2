import StreamCore

extension TopologyCompiler.Context {
    /// `salesforce` — builds the sObject's fields, keys the record by the field updates share (the
    /// external id), and writes it to the sink topic that the runner's sink worker delivers; ends the chain.
    func compileSalesforce(_ step: StepDefinition, _ sink: SalesforceSinkDefinition, on stream: KStream) -> KStream? {
        let fields = CompiledTemplate(sink.fields)
        let coalescingField = sink.coalescingField
        let keyed = stream.transform(step.name, kind: "salesforce") { record in
            record.value = try fields.build(for: record)
            // A record without the field still goes: Salesforce's refusal sends it to the dead-letter topic.
            record.key = coalescingField.flatMap { record.value[$0] } ?? .null
        }
        keyed.to("\(step.name).sink", topic: sink.topic(application: definition.applicationID.value), keyFormat: .string, valueFormat: .json)
        return nil
    }
}
