import Foundation
import Logging
import StreamCore

/// Reads whole topics from the beginning with a fresh consumer group, for checking outputs.
enum TopicReader {
    /// Reads `topics` until `isComplete` holds for what was read or `timeout` passes; returns the records by topic.
    static func read(
        _ topics: [String], bootstrapServers: String, timeout: Duration = .seconds(60),
        until isComplete: @escaping @Sendable ([String: [ConsumerRecord]]) -> Bool
    ) async throws -> [String: [ConsumerRecord]] {
        var logger = Logger(label: "topic-reader")
        logger.logLevel = .warning
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "reader-\(UUID().uuidString)")
        configuration.readCommitted = false
        let consumerConfiguration = configuration
        let readerLogger = logger
        return try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: readerLogger)
            try consumer.subscribe(topics)
            var records: [String: [ConsumerRecord]] = [:]
            let deadline = ContinuousClock.now + timeout
            while !isComplete(records), ContinuousClock.now < deadline {
                for record in try consumer.poll(timeout: .milliseconds(200)) { records[record.topic, default: []].append(record) }
            }
            try consumer.close()
            return records
        }
    }
}
