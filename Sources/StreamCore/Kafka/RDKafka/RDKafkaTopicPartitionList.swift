import CRdKafka

/// A partition with an offset, as librdkafka's topic-partition lists carry them. Offsets may be
/// logical (`RDKafkaOffset.beginning`, `.end`, `.invalid`).
struct TopicPartitionOffset: Hashable, Sendable {
    var topicPartition: TopicPartition
    var offset: Int64
}

/// librdkafka's logical offsets.
enum RDKafkaOffset {
    static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    /// "No offset": nothing committed, or no position yet.
    static let invalid = Int64(RD_KAFKA_OFFSET_INVALID)
}

/// The one owner of an `rd_kafka_topic_partition_list_t` built from Swift values: created for a
/// single call and destroyed right after it.
enum RDKafkaTopicPartitionList {
    static func withList<Result, Failure: Error>(
        _ entries: [TopicPartitionOffset],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for entry in entries {
            let element = rd_kafka_topic_partition_list_add(list, entry.topicPartition.topic, entry.topicPartition.partition)!
            element.pointee.offset = entry.offset
        }
        return try body(list)
    }

    static func withList<Result, Failure: Error>(
        _ partitions: [TopicPartition],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withList(partitions.map { TopicPartitionOffset(topicPartition: $0, offset: RDKafkaOffset.invalid) }, body)
    }

    /// Copies a list librdkafka owns, with each element's own error.
    static func entries(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [(entry: TopicPartitionOffset, error: rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            let topicPartition = TopicPartition(String(cString: element.topic), element.partition)
            return (TopicPartitionOffset(topicPartition: topicPartition, offset: element.offset), element.err)
        }
    }
}
