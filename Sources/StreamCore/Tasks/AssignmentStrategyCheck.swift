/// Refuses a partition assignment strategy that could split a task between instances.
///
/// A task reads the same partition number of every topic its sub-topology reads (a join's two sides,
/// merged streams), so one instance must be assigned all of them. librdkafka's range assignor (the
/// default) gives every member the same partition numbers of topics with equal partition counts;
/// round-robin and (cooperative-)sticky balance partitions one by one and can give a task's
/// partitions to two instances, each then opening the task and writing its stores. Kafka Streams
/// avoids this with its own task-aware assignor; librdkafka has no hook for one, so such strategies
/// are allowed only for topologies whose sub-topologies each read a single topic.
enum AssignmentStrategyCheck {
    /// - Parameter strategies: the consumer's `partition.assignment.strategy` (comma-separated, the
    ///   group uses the first one every member supports: with one configuration, the first listed).
    /// - Throws: ``KafkaError`` (`invalidConfiguration`) naming the sub-topology and its topics.
    static func verify(strategies: String, for topology: Topology) throws(KafkaError) {
        let chosen = strategies.split(separator: ",").first.map { String($0.filter { !$0.isWhitespace }) } ?? ""
        guard chosen != "range", let shared = topology.subtopologies.first(where: { $0.sourceTopics.count > 1 }) else { return }
        throw KafkaError(code: .invalidConfiguration, message: """
            partition.assignment.strategy \(chosen) can assign one task's partitions to two instances: \
            sub-topology \(shared.id) of \(topology.applicationID) reads \(shared.sourceTopics.joined(separator: ", ")) \
            partition by partition together; use range (the default) for this topology
            """)
    }
}
