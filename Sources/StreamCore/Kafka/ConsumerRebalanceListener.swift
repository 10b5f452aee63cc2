/// Told about partitions a ``KafkaConsumer`` gains and loses, on the thread that calls `poll`.
///
/// - Important: `partitionsRevoked` runs before the consumer commits the revoked partitions'
///   processed offsets and hands them over: flush whatever state those offsets stand for there.
public protocol ConsumerRebalanceListener: AnyObject {
    /// The partitions (with the offsets they will start from) were added to this member.
    func partitionsAssigned(_ partitions: [TopicPartition])
    /// The partitions are about to leave this member.
    func partitionsRevoked(_ partitions: [TopicPartition])
    /// The partitions already left this member: the group moved on without it (its session timed out),
    /// so another member may be processing them and writing their state now. Nothing may be flushed or
    /// committed for them; what was processed since the last commit is processed again by the new owner.
    func partitionsLost(_ partitions: [TopicPartition])
    /// A partition stopped consuming because of an error (for example an offset out of range).
    func partitionStopped(_ partition: TopicPartition, error: KafkaError)
}

extension ConsumerRebalanceListener {
    public func partitionsAssigned(_ partitions: [TopicPartition]) {}
    public func partitionsRevoked(_ partitions: [TopicPartition]) {}
    public func partitionsLost(_ partitions: [TopicPartition]) {}
    public func partitionStopped(_ partition: TopicPartition, error: KafkaError) {}
}
