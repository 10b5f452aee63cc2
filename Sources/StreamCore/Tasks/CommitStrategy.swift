import Logging

/// How a stream thread makes what it processed durable: Kafka Streams' processing guarantee as an
/// object. Outputs leave through it, and a commit makes them, the tasks' state changes and the consumed
/// offsets durable together. ``AtLeastOnceCommits`` and ``TransactionalCommits`` implement it; the
/// thread only polls, processes and calls ``commit(_:consumer:)``.
///
/// - Important: Not thread-safe: the stream thread that owns it makes every call.
protocol CommitStrategy: AnyObject {
    /// Records produced but not yet acknowledged (what back-pressure watches).
    var queuedOutputCount: Int { get }

    /// Enqueues an output or a dead letter, waiting for room while the producer's queue is full. A
    /// failed delivery surfaces at the next commit, before the offset of the record that caused it.
    ///
    /// - Returns: whether the queue was full, so that the thread can stop taking in more work.
    @discardableResult
    func send(_ record: ProducerRecord) throws(KafkaError) -> Bool

    /// Makes the outputs so far, the state changes of `tasks` and `consumer`'s processed offsets durable.
    ///
    /// - Returns: ``CommitOutcome/rolledBack`` when they were given up instead: the tasks and the
    ///   consumer's positions went back to the last commit, and records fetched since must be dropped.
    func commit(_ tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome

    /// Called while the tasks `revoked` (of `partitions`) leave the thread, before the consumer commits
    /// those partitions' offsets: their outputs and state are made durable first, or their offsets
    /// withdrawn.
    func commitRevoked(_ revoked: Set<TaskID>, of partitions: [TopicPartition], tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome

    /// Waits for what is queued to be delivered (at most `timeout`), then closes the producer.
    func close(timeout: Duration) throws(KafkaError)
}

/// What a commit did.
enum CommitOutcome {
    case committed
    /// Nothing since the last commit was kept: state and consumer positions went back to it.
    case rolledBack
}

extension CommitStrategy {
    /// `producer`, with the cluster's topic metadata loaded, so that the first outputs after a start
    /// leave at once (librdkafka would hold a topic's first records until it asked for its metadata);
    /// a cluster that does not answer yet only delays them.
    static func loadingMetadata(_ producer: KafkaProducer, logger: Logger) -> KafkaProducer {
        do {
            try producer.loadMetadata()
        } catch {
            logger.warning("topic metadata not loaded; the first outputs wait for librdkafka to ask: \(error)")
        }
        return producer
    }
}
