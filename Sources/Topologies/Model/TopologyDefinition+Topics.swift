import StreamCore

extension TopologyDefinition {
    /// Partition count for a topic the file uses but gives no count for, as the dev broker's
    /// auto-creation would (librdkafka's mock cluster creates unknown topics with 4 partitions).
    public static let defaultPartitions = 4

    /// Every topic this topology reads or writes, its dead-letter topic included, with the partition
    /// count the file declares (under `sources` or `topics`) or ``defaultPartitions``.
    public var topicPartitions: [String: Int] {
        var counts: [String: Int] = [:]
        for topic in writtenTopics(in: pipelines.flatMap(\.steps)) { counts[topic] = Self.defaultPartitions }
        counts["\(applicationID.value)-dlq"] = Self.defaultPartitions
        for source in sources { counts[source.topic.value] = source.partitions ?? Self.defaultPartitions }
        for declaration in topics { counts[declaration.name.value] = declaration.partitions }
        return counts
    }

    /// A diagnostic for every topic whose partition count the file declares (under `sources` or `topics`)
    /// and that exists in `existing` (name → partitions) with another count: keyed data would land in
    /// other partitions than the topology's state and joins expect.
    public func partitionConflicts(with existing: [String: Int]) -> [TopologyDiagnostic] {
        let declared = sources.compactMap { source in source.partitions.map { (source.topic, $0) } }
            + topics.map { ($0.name, $0.partitions) }
        return declared.compactMap { topic, partitions in
            guard let actual = existing[topic.value], actual != partitions else { return nil }
            return TopologyDiagnostic(
                "topic '\(topic.value)' has \(actual) partitions on the cluster, but this topology declares \(partitions); change the declaration or the topic",
                at: topic.location)
        }
    }

    private func writtenTopics(in steps: [StepDefinition]) -> [String] {
        steps.flatMap { step -> [String] in
            switch step.kind {
            case .to(let topic, _, _): [topic.value]
            case .branch(let branches, let defaultBranch): branches.flatMap { writtenTopics(in: $0.steps) } + writtenTopics(in: defaultBranch ?? [])
            default: []
            }
        }
    }
}
