import Foundation
import Logging
import StreamCore

/// Reads whole topics from the beginning, for checking outputs: assigned, outside any consumer group
/// (a group's first join waits 3 s on the dev broker), unless a topic does not exist yet — then with a
/// fresh group, which follows the topic once it appears.
enum TopicReader {
    /// Reads `topics` until `isComplete` holds for what was read or `timeout` passes; returns the records by topic.
    /// With a `linger`, reading goes on that long after `isComplete` first holds, so that records that
    /// should not be there have time to show. `readCommitted` hides records of aborted and open
    /// transactions (on a real cluster; the dev broker shows aborted ones anyway).
    static func read(
        _ topics: [String], bootstrapServers: String, timeout: Duration = .seconds(60), linger: Duration = .zero, readCommitted: Bool = false,
        until isComplete: @escaping @Sendable ([String: [ConsumerRecord]]) -> Bool
    ) async throws -> [String: [ConsumerRecord]] {
        var logger = Logger(label: "topic-reader")
        logger.logLevel = .warning
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "reader-\(UUID().uuidString)")
        configuration.readCommitted = readCommitted
        let consumerConfiguration = configuration
        let readerLogger = logger
        return try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: readerLogger)
            let counts = try KafkaAdminClient(bootstrapServers: consumerConfiguration.bootstrapServers, logger: readerLogger).partitionCounts()
            if topics.allSatisfy({ counts[$0] != nil }) {
                var starts: [TopicPartition: Int64] = [:]
                for topic in topics {
                    for partition in (0..<Int32(counts[topic]!)).map({ TopicPartition(topic, $0) }) {
                        starts[partition] = try consumer.watermarks(of: partition).low
                    }
                }
                try consumer.assign(starts)
            } else {
                try consumer.subscribe(topics)
            }
            var records: [String: [ConsumerRecord]] = [:]
            var deadline = ContinuousClock.now + timeout
            var lingering = false
            while ContinuousClock.now < deadline {
                if !lingering, isComplete(records) {
                    if linger == .zero { break }
                    lingering = true
                    deadline = ContinuousClock.now + linger
                }
                for record in try consumer.poll(timeout: .milliseconds(200)) { records[record.topic, default: []].append(record) }
            }
            try consumer.close()
            return records
        }
    }
}
