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

    /// Connects (lazily, as librdkafka does) with `configuration`.
    ///
    /// - Throws: ``KafkaError`` `invalidConfiguration` for a bad property.
    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        client = try RDKafkaClient(kind: .producer, properties: configuration.properties, logger: logger)
        poller = KafkaPollingThread(name: "tributary-producer-poll", client: client)
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
        var waited = false
        while true {
            do {
                try enqueue(record, completion: completion)
                return waited
            } catch where error.message.contains("QUEUE_FULL") {
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
}
