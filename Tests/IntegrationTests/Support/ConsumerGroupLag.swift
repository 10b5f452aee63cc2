import Foundation
import Logging
import StreamCore

/// What a consumer group has not committed yet, as the broker sees it: per partition, the end of the
/// topic minus the group's committed offset. Reads without joining the group.
enum ConsumerGroupLag {
    static func of(group: String, topic: String, partitions: Int32, bootstrapServers: String) async throws -> Int64 {
        var logger = Logger(label: "group-lag")
        logger.logLevel = .warning
        let configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: group)
        let readerLogger = logger
        return try await onOwnThread {
            let consumer = try KafkaConsumer(configuration: configuration, logger: readerLogger)
            defer { try? consumer.close() }
            let all = (0..<partitions).map { TopicPartition(topic, $0) }
            let committed = try consumer.committedOffsets(for: all)
            return try all.reduce(Int64(0)) { lag, partition in
                let (low, high) = try consumer.watermarks(of: partition)
                return lag + high - ((committed[partition] ?? nil) ?? low)
            }
        }
    }
}
