import StreamCore

extension TopologyCompiler.Context {
    /// `set-time: EXPR` — the record's event time becomes the expression's (an ISO-8601 time or epoch
    /// milliseconds): what windows, joins and timers after it see, and the timestamp it is written with.
    func compileSetTime(_ step: StepDefinition, _ time: ExpressionText, on stream: KStream) -> KStream {
        let eventTime = EventTimeEvaluator(time, field: "set-time")
        return stream.transform(step.name, kind: "set-time") { record in
            record.timestamp = try eventTime.milliseconds(of: record)
        }
    }
}
