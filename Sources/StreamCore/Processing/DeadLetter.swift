/// Builds the dead-letter record for an input that could not be processed: the original key, value and
/// headers, plus headers saying what went wrong and where.
enum DeadLetter {
    static let errorHeader = "tributary.error"
    static let kindHeader = "tributary.error.kind"
    static let nodeHeader = "tributary.error.node"
    static let topicHeader = "tributary.source.topic"
    static let partitionHeader = "tributary.source.partition"
    static let offsetHeader = "tributary.source.offset"

    static func record(for input: ConsumerRecord, error: ProcessingError, topic: String) -> ProducerRecord {
        ProducerRecord(
            topic: topic, key: input.key, value: input.value,
            headers: input.headers + [
                KafkaHeader(errorHeader, error.message),
                KafkaHeader(kindHeader, error.kind.name),
                KafkaHeader(nodeHeader, error.node),
                KafkaHeader(topicHeader, input.topic),
                KafkaHeader(partitionHeader, String(input.partition)),
                KafkaHeader(offsetHeader, String(input.offset)),
            ],
            timestamp: input.timestamp)
    }
}
