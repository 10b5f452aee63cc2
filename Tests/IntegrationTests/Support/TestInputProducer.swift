import Logging
import NIOConcurrencyHelpers
import StreamCore

/// Writes test input with text keys and values, waiting for each record's acknowledgement so that
/// records arrive in the order the test sends them.
struct TestInputProducer {
    private let producer: KafkaProducer

    init(bootstrapServers: String) throws {
        var logger = Logger(label: "test-input")
        logger.logLevel = .warning
        producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrapServers), logger: logger)
    }

    /// Sends one record and waits for its acknowledgement; `timestamp` (epoch milliseconds) defaults
    /// to the producer's clock.
    func send(_ topic: String, key: String, value: String, timestamp: Int64? = nil) async throws {
        try await producer.send(ProducerRecord(topic: topic, key: Array(key.utf8), value: Array(value.utf8), timestamp: timestamp))
    }

    /// Sends many records without waiting for each: all are enqueued, then acknowledged together.
    /// Records of one key keep their order (the producer is idempotent).
    func sendAll(_ topic: String, _ records: [(key: String, value: String)]) throws {
        try sendAll(records.map { ProducerRecord(topic: topic, key: Array($0.key.utf8), value: Array($0.value.utf8)) })
    }

    /// Sends `records` without waiting for each: all are enqueued, then acknowledged together; throws
    /// the first delivery error, if any. Records of one partition keep their order (the producer is
    /// idempotent).
    func sendAll(_ records: [ProducerRecord]) throws {
        let failures = NIOLockedValueBox<[KafkaError]>([])
        for record in records {
            try producer.enqueueWaitingForRoom(record) { result in
                if case .failure(let error) = result { failures.withLockedValue { $0.append(error) } }
            }
        }
        try producer.flush(timeout: .seconds(60))
        if let failure = failures.withLockedValue({ $0.first }) { throw failure }
    }

    func close() throws {
        try producer.close()
    }
}
