import Foundation
import Logging
import Synchronization

/// Sends records to Kafka and reports each one's delivery.
///
/// Owns one librdkafka producer and a polling thread that serves its delivery reports. Records are
/// enqueued without blocking; ``send(_:)`` awaits the broker's acknowledgement, ``enqueue(_:completion:)``
/// hands it to a closure, so a stream thread can keep many records in flight.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let poller: KafkaPollingThread
    private let closed = Atomic<Bool>(false)
    private let transactionalID: String?
    private let transactionCallLog: TransactionCallLog?

    /// Connects (lazily, as librdkafka does) with `configuration`.
    ///
    /// - Parameter transactionCallLog: where a transactional producer records each transactional call
    ///   and its outcome.
    /// - Throws: ``KafkaError`` `invalidConfiguration` for a bad property.
    public init(configuration: KafkaProducerConfiguration, logger: Logger, transactionCallLog: TransactionCallLog? = nil) throws(KafkaError) {
        transactionalID = configuration.transactionalID
        self.transactionCallLog = transactionCallLog
        client = try RDKafkaClient(kind: .producer, properties: configuration.properties, logger: logger)
        poller = KafkaPollingThread(name: "tributary-producer-poll", client: client)
    }

    /// Asks the cluster for every topic's metadata now and keeps it, so that the first records to a topic
    /// leave at once. Without it, librdkafka holds a topic's first records until it has asked for that
    /// topic's metadata on its own schedule: about a second after the first record, measured on the dev
    /// broker (docs/BENCHMARKS.md, "The producer's first second").
    ///
    /// - Throws: ``KafkaError`` `metadataFailed` when the cluster did not answer within `timeout`.
    public func loadMetadata(timeout: Duration = .seconds(10)) throws(KafkaError) {
        _ = try client.partitionCounts(timeout: timeout)
    }

    deinit {
        if !closed.load(ordering: .acquiring) {
            client.logger.warning("KafkaProducer dropped without close(): queued records are not flushed")
            poller.stop()
        }
    }

    /// Enqueues `record`; `completion` runs once, on the polling thread, with where the record was
    /// stored or why it was not. Must be quick: it holds up other delivery reports.
    ///
    /// - Throws: ``KafkaError`` when the record cannot even be enqueued (the queue is full, the
    ///   producer is closed or fenced); `completion` is not called then.
    public func enqueue(_ record: ProducerRecord, completion: @escaping @Sendable (Result<RecordMetadata, KafkaError>) -> Void) throws(KafkaError) {
        guard !closed.load(ordering: .acquiring) else {
            throw KafkaError(code: .closed, message: "producer closed; cannot send to \(record.topic)")
        }
        try client.produce(record, completion: completion)
    }

    /// Like ``enqueue(_:completion:)``, but when librdkafka's local queue is full it waits for
    /// deliveries to make room instead of failing: backpressure for producers that outpace the broker.
    ///
    /// - Returns: whether the queue was full, so that a caller can stop taking in more work.
    @discardableResult
    public func enqueueWaitingForRoom(_ record: ProducerRecord, completion: @escaping @Sendable (Result<RecordMetadata, KafkaError>) -> Void) throws(KafkaError) -> Bool {
        try waitingForRoom { () throws(KafkaError) in try enqueue(record, completion: completion) }
    }

    /// Like ``enqueueWaitingForRoom(_:completion:)`` without a completion: an acknowledgement costs
    /// nothing, and a failed delivery is kept as ``firstDeliveryFailure``. For a caller that only asks,
    /// after a ``flush(timeout:)``, whether every record arrived: a stream thread's outputs.
    @discardableResult
    public func enqueueWaitingForRoom(_ record: ProducerRecord) throws(KafkaError) -> Bool {
        try waitingForRoom { () throws(KafkaError) in
            guard !closed.load(ordering: .acquiring) else {
                throw KafkaError(code: .closed, message: "producer closed; cannot send to \(record.topic)")
            }
            try client.produce(record)
        }
    }

    /// The first failed delivery of a record enqueued without a completion, if any; it stays.
    public var firstDeliveryFailure: KafkaError? { client.firstUnobservedDeliveryFailure }

    /// Runs `enqueue` until librdkafka's local queue has room for it; returns whether it had to wait.
    private func waitingForRoom(_ enqueue: () throws(KafkaError) -> Void) throws(KafkaError) -> Bool {
        var waited = false
        while true {
            do {
                try enqueue()
                return waited
            } catch where error.protocolCode == .queueFull {
                waited = true
                try? client.flush(timeout: .milliseconds(100))
            }
        }
    }

    /// Records enqueued and not yet acknowledged or failed.
    public var queuedRecordCount: Int { client.queueLength }

    /// Sends `record` and waits until the broker acknowledges it.
    ///
    /// - Throws: ``KafkaError`` `deliveryFailed` with librdkafka's reason.
    @discardableResult
    public func send(_ record: ProducerRecord) async throws(KafkaError) -> RecordMetadata {
        let result: Result<RecordMetadata, KafkaError> = await withCheckedContinuation { continuation in
            do throws(KafkaError) {
                try enqueue(record) { continuation.resume(returning: $0) }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Waits until every enqueued record is acknowledged or failed.
    ///
    /// - Throws: ``KafkaError`` `flushTimedOut` when records remain after `timeout`.
    public func flush(timeout: Duration = .seconds(30)) throws(KafkaError) {
        try client.flush(timeout: timeout)
    }

    /// Flushes, then stops polling. Enqueueing afterwards throws `closed`.
    ///
    /// - Throws: ``KafkaError`` when records were still undelivered after `timeout` (they are reported
    ///   as failed to their completions when the handle is destroyed).
    public func close(timeout: Duration = .seconds(30)) throws(KafkaError) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { poller.stop() }
        try client.flush(timeout: timeout)
    }

    // MARK: - Transactions (a producer with a `transactionalID`)

    /// Registers the transactional id with its coordinator, fencing any older producer with the same
    /// id; call once before the first ``beginTransaction()``.
    ///
    /// - Throws: ``KafkaTransactionError``; `retriable` may be called again.
    public func initTransactions(timeout: Duration = .seconds(60)) throws(KafkaTransactionError) {
        try recorded(.initTransactions) { () throws(KafkaTransactionError) in try client.initTransactions(timeout: timeout) }
    }

    /// Starts a transaction: records enqueued from now on are committed or aborted together.
    public func beginTransaction() throws(KafkaTransactionError) {
        try recorded(.beginTransaction) { () throws(KafkaTransactionError) in try client.beginTransaction() }
    }

    /// Adds `offsets` (each the next offset to read) of `consumer`'s group to the current transaction,
    /// instead of the consumer committing them: they count only if the transaction commits.
    ///
    /// - Important: Call from the thread that owns `consumer`.
    public func sendOffsetsToTransaction(_ offsets: [TopicPartition: Int64], of consumer: KafkaConsumer, timeout: Duration = .seconds(60)) throws(KafkaTransactionError) {
        try recorded(.sendOffsetsToTransaction) { () throws(KafkaTransactionError) in
            guard let group = consumer.groupMetadata() else {
                throw KafkaTransactionError(code: .fatal, operation: .sendOffsetsToTransaction, errorName: "_STATE", message: "the consumer is not a group member")
            }
            let list = offsets.sorted { $0.key < $1.key }.map { TopicPartitionOffset(topicPartition: $0.key, offset: $0.value) }
            try client.sendOffsetsToTransaction(list, group: group, timeout: timeout)
        }
    }

    /// Waits for the transaction's records and commits it (with its offsets).
    ///
    /// - Throws: ``KafkaTransactionError``: `retriable` (call again), `abortable` (call
    ///   ``abortTransaction(timeout:)``), `fatal` (replace the producer).
    public func commitTransaction(timeout: Duration = .seconds(60)) throws(KafkaTransactionError) {
        try recorded(.commitTransaction) { () throws(KafkaTransactionError) in try client.commitTransaction(timeout: timeout) }
    }

    /// Aborts the current transaction: `read_committed` readers never see its records, and its offsets
    /// are not committed.
    public func abortTransaction(timeout: Duration = .seconds(60)) throws(KafkaTransactionError) {
        try recorded(.abortTransaction) { () throws(KafkaTransactionError) in try client.abortTransaction(timeout: timeout) }
    }

    /// Runs a transactional call and records it, with its outcome, in the call log.
    private func recorded(_ operation: TransactionCall.Operation, _ call: () throws(KafkaTransactionError) -> Void) throws(KafkaTransactionError) {
        let id = transactionalID ?? ""
        do {
            try call()
            transactionCallLog?.record(TransactionCall(operation: operation, outcome: .succeeded, transactionalID: id))
            client.logger.debug("\(operation) ok", metadata: ["transactional-id": "\(id)"])
        } catch {
            transactionCallLog?.record(TransactionCall(operation: operation, outcome: .failed(error.code, errorName: error.errorName), transactionalID: id))
            throw error
        }
    }
}
