import Logging
import Metrics

/// Exactly once (``ProcessingGuarantee/exactlyOnceV2``): a commit interval is one transaction of the
/// thread's transactional producer. Outputs and changelog records are produced in it, the processed
/// offsets are sent with it, it commits, and only then do the stores write locally. An abortable failure
/// aborts it and rolls state and consumer positions back to the last commit; a fenced or fatally failed
/// producer is replaced and the thread's tasks reopened from their stores and changelogs.
///
/// The transactional id is `<application-id>-<random>`: unique per thread, so instances never fence one
/// another; zombies are fenced by the group generation the offsets are sent with (exactly-once v2), not
/// by the id.
final class TransactionalCommits: CommitStrategy {
    private var producer: KafkaProducer
    private let configuration: KafkaProducerConfiguration
    private let applicationID: String
    private let callLog: TransactionCallLog
    private let logger: Logger
    /// An output or dead letter the open transaction refused; it is aborted at the next commit.
    private var transactionFailure: KafkaError?

    init(producer configuration: KafkaProducerConfiguration, applicationID: String, callLog: TransactionCallLog, logger: Logger) throws {
        self.configuration = configuration
        self.applicationID = applicationID
        self.callLog = callLog
        self.logger = logger
        producer = try Self.transactionalProducer(configuration, applicationID: applicationID, callLog: callLog, logger: logger)
    }

    var queuedOutputCount: Int { producer.queuedRecordCount }

    func send(_ record: ProducerRecord) throws(KafkaError) -> Bool {
        do {
            // Nothing to note per record: a failed delivery fails the transaction's commit, which aborts it.
            return try producer.enqueueWaitingForRoom(record)
        } catch {
            // The transaction is in error (abortable or fatal): what it holds will be processed again.
            if transactionFailure == nil { transactionFailure = error }
            return false
        }
    }

    /// Ends the open transaction: the stores' changelog records join it, the processed offsets are sent
    /// with it, it commits, and only then do the stores write locally; then the next one begins.
    func commit(_ tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome {
        let offsets = consumer.uncommittedProcessedOffsets
        var pending: [TaskID: [String: PendingStoreFlush]] = [:]
        do {
            if let transactionFailure { throw transactionFailure }
            for id in tasks.ids { pending[id] = try tasks.tasks[id]!.sendChangelog(to: producer) }
            if !offsets.isEmpty {
                try retryingWhileRetriable { () throws(KafkaTransactionError) in try producer.sendOffsetsToTransaction(offsets, of: consumer) }
            }
            try retryingWhileRetriable { () throws(KafkaTransactionError) in try producer.commitTransaction() }
        } catch let error as KafkaTransactionError where error.code == .fatal {
            try replaceProducer(because: error, tasks: tasks, consumer: consumer)
            return .rolledBack
        } catch {
            try abortTransaction(because: error, tasks: tasks, consumer: consumer)
            return .rolledBack
        }
        for (id, flushes) in pending { try tasks.tasks[id]!.writeLocally(flushes) }
        consumer.markCommitted(offsets)
        Self.record(.committed, applicationID)
        try retryingWhileRetriable { () throws(KafkaTransactionError) in try producer.beginTransaction() }
        return .committed
    }

    /// The consumer commits nothing itself: the transaction carries the revoked partitions' offsets, or,
    /// aborted, leaves them to the next owner.
    func commitRevoked(_ revoked: Set<TaskID>, of partitions: [TopicPartition], tasks: TaskManager, consumer: KafkaConsumer) throws -> CommitOutcome {
        try commit(tasks, consumer: consumer)
    }

    func close(timeout: Duration) throws(KafkaError) {
        try producer.close(timeout: timeout)
    }

    /// Aborts the open transaction and goes back to the last committed one: state and consumer
    /// positions; then begins the next. An abort that fails replaces the producer.
    private func abortTransaction(because error: any Error, tasks: TaskManager, consumer: KafkaConsumer) throws {
        logger.warning("transaction aborted; state and input positions go back to the last commit: \(error)", metadata: ["application": "\(applicationID)"])
        do {
            try retryingWhileRetriable { () throws(KafkaTransactionError) in try producer.abortTransaction() }
        } catch {
            try replaceProducer(because: error, tasks: tasks, consumer: consumer)
            return
        }
        for task in tasks.tasks.values { task.rollBackToCommitted() }
        try rewindToLastCommit(consumer)
        Self.record(.aborted, applicationID)
        try retryingWhileRetriable { () throws(KafkaTransactionError) in try producer.beginTransaction() }
    }

    /// A fenced or fatally failed producer can do nothing more: the thread's tasks are closed, a new
    /// producer takes over (fencing nothing: its id is new), and the tasks reopen from their stores and
    /// changelogs — a clean restart of the tasks, without stopping the process.
    private func replaceProducer(because error: any Error, tasks: TaskManager, consumer: KafkaConsumer) throws {
        logger.error("producer failed fatally (fenced, or its transaction state is lost); restarting this thread's tasks with a new producer: \(error)",
                     metadata: ["application": "\(applicationID)"])
        let reopening = tasks.ids
        tasks.close(reopening)
        try? producer.close(timeout: .seconds(5))
        producer = try Self.transactionalProducer(configuration, applicationID: applicationID, callLog: callLog, logger: logger)
        try rewindToLastCommit(consumer)
        for id in reopening { try tasks.open([id]) }
        Counter(label: "tributary_producer_replacements_total", dimensions: [("application", applicationID)]).increment()
    }

    /// Consumer positions back to the last committed offsets (the thread drops what it buffered since).
    private func rewindToLastCommit(_ consumer: KafkaConsumer) throws {
        transactionFailure = nil
        try consumer.rewindToCommitted()
    }

    private func retryingWhileRetriable(_ call: () throws(KafkaTransactionError) -> Void) throws(KafkaTransactionError) {
        try Self.retryingWhileRetriable(logger: logger, call)
    }

    /// Runs a transactional call again for as long as librdkafka says it may simply be retried (a
    /// coordinator moving or unreachable): like outputs, a transaction waits out a broker outage.
    private static func retryingWhileRetriable(logger: Logger, _ call: () throws(KafkaTransactionError) -> Void) throws(KafkaTransactionError) {
        while true {
            do {
                try call()
                return
            } catch where error.code == .retriable {
                logger.warning("retrying: \(error)")
            }
        }
    }

    /// A transactional producer, initialised and inside a transaction.
    private static func transactionalProducer(_ configuration: KafkaProducerConfiguration, applicationID: String, callLog: TransactionCallLog, logger: Logger) throws -> KafkaProducer {
        var configuration = configuration
        configuration.transactionalID = "\(applicationID)-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let producer = try KafkaProducer(configuration: configuration, logger: logger, transactionCallLog: callLog)
        try retryingWhileRetriable(logger: logger) { () throws(KafkaTransactionError) in try producer.initTransactions() }
        try retryingWhileRetriable(logger: logger) { () throws(KafkaTransactionError) in try producer.beginTransaction() }
        return loadingMetadata(producer, logger: logger)
    }

    /// How a transaction ended (`tributary_transactions_total{outcome}`).
    private enum Outcome: String {
        case committed
        case aborted
    }

    private static func record(_ outcome: Outcome, _ applicationID: String) {
        Counter(label: "tributary_transactions_total", dimensions: [("application", applicationID), ("outcome", outcome.rawValue)]).increment()
    }
}
