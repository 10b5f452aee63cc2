import Logging

/// At least once (``ProcessingGuarantee/atLeastOnce``): a commit waits until every output so far is
/// acknowledged, flushes the tasks' stores (changelogs acknowledged, then each store's state and
/// checkpoint in one local batch), and only then commits the processed offsets. A crash between any two
/// steps leaves the checkpoint at or ahead of the committed offsets, and tasks skip what they already
/// applied; outputs may be written again.
final class AtLeastOnceCommits: CommitStrategy {
    private let producer: KafkaProducer
    private let logger: Logger

    init(producer configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        self.logger = logger
        producer = Self.loadingMetadata(try KafkaProducer(configuration: configuration, logger: logger), logger: logger)
    }

    var queuedOutputCount: Int { producer.queuedRecordCount }

    func send(_ record: ProducerRecord) throws(KafkaError) -> Bool {
        try producer.enqueueWaitingForRoom(record)
    }

    func commit(_ tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome {
        try flush(tasks.ids.compactMap { tasks.tasks[$0] })
        try consumer.commit()
        return .committed
    }

    func commitRevoked(_ revoked: Set<TaskID>, of partitions: [TopicPartition], tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome {
        do {
            try flush(revoked.sorted().compactMap { tasks.tasks[$0] })
        } catch {
            logger.error("outputs or state of revoked partitions failed; not committing them: \(error)")
            consumer.forgetProcessed(partitions)
        }
        return .committed
    }

    func close(timeout: Duration) throws(KafkaError) {
        try producer.close(timeout: timeout)
    }

    /// Waits for every output so far, then sends the stores' changes of all `tasks` and waits for them
    /// together, then writes each store locally: two round trips to the brokers however many tasks.
    ///
    /// The outputs go first because a changelog carries its task's checkpoint: once a checkpoint is on
    /// the changelog, a task restored from it skips the inputs it names, so their outputs must already
    /// be acknowledged (librdkafka keeps no order across partitions).
    private func flush(_ tasks: [StreamTask]) throws {
        try awaitDeliveries()
        let pending = try tasks.map { task in (task, try task.sendChangelog(to: producer)) }
        try awaitDeliveries()
        for (task, flushes) in pending { try task.writeLocally(flushes) }
    }

    private func awaitDeliveries() throws(KafkaError) {
        while true {
            do {
                try producer.flush(timeout: .seconds(30))
                break
            } catch where error.code == .flushTimedOut {
                // The broker is unreachable or slow: keep waiting; records are retried, never dropped.
                logger.warning("outputs not yet acknowledged; still waiting: \(error.message)")
            }
        }
        if let failure = producer.firstDeliveryFailure { throw failure }
    }
}
