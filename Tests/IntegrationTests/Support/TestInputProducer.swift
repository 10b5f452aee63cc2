import Logging
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
        for record in records {
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: topic, key: Array(record.key.utf8), value: Array(record.value.utf8))) { _ in }
        }
        try producer.flush(timeout: .seconds(60))
    }

    func close() throws {
        try producer.close()
    }
}
