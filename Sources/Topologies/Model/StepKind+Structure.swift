/// What each step kind reads and holds, answered once for the compiler, the validator and the checks
/// that run over a file's pipelines. The switches list every kind, so a new kind must answer too.
extension StepKind {
    /// The other sources and pipelines the step reads, with the field that names each (`merge`, `join`).
    public var streamsRead: [(field: String, name: Located<String>)] {
        switch self {
        case .merge(let names): names.map { ("merge", $0) }
        case .join(let table, _, _, _, _): [("join", table)]
        case .streamJoin(let join): [("join", join.stream)]
        case .filter, .require, .mapValues, .map, .selectKey, .setTime, .flatMap, .branch, .log, .to, .groupByKey, .groupBy, .timer,
             .deduplicate, .repartition, .window, .count, .reduce, .aggregate, .toTable, .toStream, .salesforce, .classify, .http:
            []
        }
    }

    /// The steps the step holds: a `branch`'s arms, in written order, then its default.
    public var childSteps: [StepDefinition] {
        switch self {
        case .branch(let branches, let defaultBranch): branches.flatMap(\.steps) + (defaultBranch ?? [])
        case .filter, .require, .mapValues, .map, .selectKey, .setTime, .flatMap, .merge, .log, .to, .groupByKey, .groupBy, .streamJoin,
             .timer, .deduplicate, .repartition, .window, .count, .reduce, .aggregate, .toTable, .toStream, .join, .salesforce, .classify,
             .http:
            []
        }
    }
}

extension PipelineDefinition {
    /// The sources and pipelines the pipeline reads — its `from` names, then the `merge` and `join` names
    /// anywhere in its steps (branches included), in written order — with the field that names each.
    public var streamsRead: [(field: String, name: Located<String>)] {
        func read(_ steps: [StepDefinition]) -> [(field: String, name: Located<String>)] {
            steps.flatMap { $0.kind.streamsRead + read($0.kind.childSteps) }
        }
        return from.map { ("from", $0) } + read(steps)
    }
}
