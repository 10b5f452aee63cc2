import StreamCore

extension TopologyCompiler.Context {
    /// `timer` — per-key timers on stream time, kept in a store; fired timers continue down the pipeline.
    func compileTimer(_ step: StepDefinition, _ timer: TimerDefinition, on stream: KStream) -> KStream {
        let starts = RecordEvaluator(timer.startsWhen)
        let cancels = timer.cancelsWhen.map(RecordEvaluator.init)
        let identifier = timer.identifier.map(RecordEvaluator.init)
        let template = CompiledTemplate(timer.value)
        var retract: TimerSchedule.Payload?
        if let retraction = timer.retraction.map(CompiledTemplate.init) { retract = { try retraction.build(for: $0) } }
        var cancelsWhen: TimerSchedule.Predicate?
        if let cancels { cancelsWhen = { try cancels.isSatisfied($0) } }
        var identify: TimerSchedule.Identifier?
        if let identifier { identify = { try identifier.evaluate($0) } }
        let schedule = TimerSchedule(
            store: timer.store.value, clock: timer.clock, delay: timer.delay, startsWhen: { try starts.isSatisfied($0) }, cancelsWhen: cancelsWhen,
            identifier: identify, payload: { try template.build(for: $0) }, retraction: retract)
        return stream.timers(step.name, schedule)
    }
}
