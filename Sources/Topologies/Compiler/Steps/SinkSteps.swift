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

    /// `http` — builds each request's body and per-record headers as `{"body": ..., "headers": {...}}`
    /// and writes it, keyed as it is, to the sink topic the runner's sink worker sends from; ends the chain.
    func compileHTTP(_ step: StepDefinition, _ sink: HTTPSinkDefinition, on stream: KStream) -> KStream? {
        let body = sink.body.map(CompiledTemplate.init)
        let headers = sink.recordHeaders.sorted { $0.key < $1.key }.map { ($0.key, RecordEvaluator($0.value)) }
        let wrapped = stream.transform(step.name, kind: "http") { record in
            var message = JSONObject()
            message["body"] = try body?.build(for: record) ?? record.value
            if !headers.isEmpty {
                message["headers"] = .object(JSONObject(try headers.map { name, evaluator in
                    let value = try evaluator.evaluate(record)
                    return (name, .string(value.stringValue ?? JSONSerializer.serializeToString(value)))
                }))
            }
            record.value = .object(message)
        }
        wrapped.to("\(step.name).sink", topic: sink.topic(application: definition.applicationID.value), keyFormat: .string, valueFormat: .json)
        return nil
    }
}
