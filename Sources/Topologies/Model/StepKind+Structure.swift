import StreamCore

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
             .deduplicate, .repartition, .window, .count, .reduce, .aggregate, .toTable, .toStream, .sink, .classify:
            []
        }
    }

    /// The state stores the step creates, each with a changelog, located where the file names them (a
    /// store whose name is derived, at what it derives from); `step` is the step's name, from which a
    /// foreign-key join names its subscription store, and `location` where the step is written.
    public func storesCreated(step: String, at location: SourceLocation) -> [Located<String>] {
        switch self {
        case .count(let options), .reduce(_, _, let options), .aggregate(_, _, _, _, let options): [options.store]
        case .streamJoin(let join):
            [StreamStreamJoin.Side.left, .right].map { Located(StreamStreamJoin.store(named: join.store.value, of: $0), at: join.store.location) }
        case .timer(let timer): [timer.store]
        case .deduplicate(let deduplicate): [deduplicate.store]
        case .toTable(let store): [store]
        case .join(_, _, _, .foreignKey, _): [Located(TopologyDefinition.foreignKeyJoinNames(step: step).store, at: location)]
        case .join, .filter, .require, .mapValues, .map, .selectKey, .setTime, .flatMap, .branch, .merge, .log, .to, .groupByKey, .groupBy,
             .repartition, .window, .toStream, .sink, .classify:
            []
        }
    }

    /// The topics the step itself writes, besides its stores' changelogs: its output topic, its sink's
    /// topic, the repartition topic it re-keys through, a foreign-key join's subscription and response
    /// topics. (Repartition topics that Kafka Streams would insert before a step are
    /// ``TopologyDefinition/automaticRepartitions``.)
    public func topicsWritten(application: String, step: String) -> [String] {
        switch self {
        case .to(let topic, _, _): [topic.value]
        case .sink(let sink): [sink.topic(application: application)]
        case .groupBy(_, _, let name, _), .repartition(_, let name, _): [TopologyDefinition.repartitionTopic(application: application, name: name.value)]
        case .join(_, _, _, .foreignKey, _):
            [TopologyDefinition.foreignKeyJoinNames(step: step).subscription, TopologyDefinition.foreignKeyJoinNames(step: step).response]
                .map { TopologyDefinition.repartitionTopic(application: application, name: $0) }
        case .join, .filter, .require, .mapValues, .map, .selectKey, .setTime, .flatMap, .branch, .merge, .log, .groupByKey, .streamJoin,
             .timer, .deduplicate, .window, .count, .reduce, .aggregate, .toTable, .toStream, .classify:
            []
        }
    }

    /// The steps the step holds: a `branch`'s arms, in written order, then its default.
    public var childSteps: [StepDefinition] {
        switch self {
        case .branch(let branches, let defaultBranch): branches.flatMap(\.steps) + (defaultBranch ?? [])
        case .filter, .require, .mapValues, .map, .selectKey, .setTime, .flatMap, .merge, .log, .to, .groupByKey, .groupBy, .streamJoin,
             .timer, .deduplicate, .repartition, .window, .count, .reduce, .aggregate, .toTable, .toStream, .join, .sink, .classify:
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
