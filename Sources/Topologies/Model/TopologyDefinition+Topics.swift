import StreamCore

extension TopologyDefinition {
    /// Partition count for a topic the file uses but gives no count for, as the dev broker's
    /// auto-creation would (librdkafka's mock cluster creates unknown topics with 4 partitions).
    public static let defaultPartitions = 4

    /// The internal topic a `group-by` named `name` re-keys through.
    public static func repartitionTopic(application: String, name: String) -> String {
        InternalTopics.repartition(name, in: application)
    }

    /// The internal names of the foreign-key join at step `step`: the repartition names (within the
    /// application) of its subscription and response topics, and its subscription store.
    public static func foreignKeyJoinNames(step: String) -> (subscription: String, response: String, store: String) {
        ("\(step)-subscription", "\(step)-response", "\(step)-subscriptions")
    }

    /// The changelog topic of store `store`.
    public static func changelogTopic(application: String, store: String) -> String {
        InternalTopics.changelog(of: store, in: application)
    }

    /// Every topic this topology reads or writes, with the partition count the file declares (under
    /// `sources` or `topics`) or ``defaultPartitions``; the dead-letter and instances topics; and the internal topics:
    /// repartition topics (`partitions:` of their `group-by`, else their input's count) and changelogs
    /// (the partition count of the input of the task that owns the store).
    public var topicPartitions: [String: Int] {
        var counts: [String: Int] = [:]
        for topic in writtenTopics(in: pipelines.flatMap(\.steps)) { counts[topic] = Self.defaultPartitions }
        counts[InternalTopics.deadLetters(of: applicationID.value)] = Self.defaultPartitions
        counts[Topology.instancesTopic(of: applicationID.value)] = 1
        for source in sources { counts[source.topic.value] = source.partitions ?? Self.defaultPartitions }
        for declaration in topics { counts[declaration.name.value] = declaration.partitions }
        for (topic, partitions) in internalTopicPartitions { counts[topic.value] = partitions }
        return counts
    }

    /// The topology as it runs on a cluster whose topics have `partitions`: each source has the partition
    /// count its topic has there (Kafka Streams follows the cluster), so the internal topics, tasks and
    /// co-partitioning checks follow from those counts; a declared `partitions:` only says what to create.
    public func followingCluster(_ partitions: [String: Int]) -> TopologyDefinition {
        var definition = self
        for index in definition.sources.indices {
            if let actual = partitions[definition.sources[index].topic.value] { definition.sources[index].partitions = actual }
        }
        return definition
    }

    /// A diagnostic for every topic whose partition count the file declares (under `sources` or
    /// `topics`) or implies (internal topics) and that exists in `existing` (name → partitions) with
    /// another count: keyed data would land in other partitions than the topology's state and joins expect.
    public func partitionConflicts(with existing: [String: Int]) -> [TopologyDiagnostic] {
        let declared = sources.compactMap { source in source.partitions.map { (source.topic, $0) } }
            + topics.map { ($0.name, $0.partitions) }
            + internalTopicPartitions
        return declared.compactMap { topic, partitions in
            guard let actual = existing[topic.value], actual != partitions else { return nil }
            return TopologyDiagnostic(
                "topic '\(topic.value)' has \(actual) partitions on the cluster, but this topology declares \(partitions); change the declaration or the topic",
                at: topic.location)
        }
    }

    /// Repartition and changelog topics with the partition counts their tasks need, located at the
    /// name that implies them.
    var internalTopicPartitions: [(Located<String>, Int)] {
        var found: [(Located<String>, Int)] = []
        var pipelineOutputs: [String: Int] = [:]
        let sourcePartitions = Dictionary(sources.map { ($0.name.value, $0.partitions ?? Self.defaultPartitions) }, uniquingKeysWith: { first, _ in first })
        let application = applicationID.value
        let automatic = Dictionary(grouping: automaticRepartitions, by: \.step)
        func walk(_ steps: [StepDefinition], partitions: Int) -> Int {
            var partitions = partitions
            for step in steps {
                // Automatic repartition topics take the table's count before a join with it, else the input's.
                for repartition in automatic[step.name] ?? [] {
                    var count = partitions
                    if case .join(let table, _, _, _, _) = step.kind { count = sourcePartitions[table.value] ?? pipelineOutputs[table.value] ?? partitions }
                    found.append((Located(Self.repartitionTopic(application: application, name: repartition.name), at: repartition.location), count))
                    if repartition.input == .stream { partitions = count }
                }
                switch step.kind {
                case .groupBy(_, _, let name, let declared), .repartition(_, let name, let declared):
                    partitions = declared ?? partitions
                    found.append((Located(Self.repartitionTopic(application: application, name: name.value), at: name.location), partitions))
                case .join(let table, _, _, .foreignKey, _):
                    // Subscriptions live with the right table's partitions, answers go back to the left's.
                    let names = Self.foreignKeyJoinNames(step: step.name)
                    let rightPartitions = sourcePartitions[table.value] ?? pipelineOutputs[table.value] ?? partitions
                    found.append((Located(Self.repartitionTopic(application: application, name: names.subscription), at: step.location), rightPartitions))
                    found.append((Located(Self.changelogTopic(application: application, store: names.store), at: step.location), rightPartitions))
                    found.append((Located(Self.repartitionTopic(application: application, name: names.response), at: step.location), partitions))
                    continue
                case .branch(let branches, let defaultBranch):
                    for branch in branches { _ = walk(branch.steps, partitions: partitions) }
                    _ = walk(defaultBranch ?? [], partitions: partitions)
                default:
                    break
                }
                for store in step.kind.storesCreated(step: step.name, at: step.location) {
                    found.append((Located(Self.changelogTopic(application: application, store: store.value), at: store.location), partitions))
                }
            }
            return partitions
        }
        // Pipelines in file order may read later ones; a few passes settle every input's count.
        for _ in 0..<2 {
            found.removeAll()
            for source in sources {
                guard let store = source.tableStore else { continue }
                found.append((Located(Self.changelogTopic(application: application, store: store.value), at: store.location), source.partitions ?? Self.defaultPartitions))
            }
            for pipeline in pipelines {
                let inputs = pipeline.from.map { sourcePartitions[$0.value] ?? pipelineOutputs[$0.value] ?? Self.defaultPartitions }
                pipelineOutputs[pipeline.name.value] = walk(pipeline.steps, partitions: inputs.max() ?? Self.defaultPartitions)
            }
        }
        return found
    }

    private func writtenTopics(in steps: [StepDefinition]) -> [String] {
        steps.flatMap { step in
            step.kind.topicsWritten(application: applicationID.value, step: step.name) + writtenTopics(in: step.kind.childSteps)
        }
    }
}
