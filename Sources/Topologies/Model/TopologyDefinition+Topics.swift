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
