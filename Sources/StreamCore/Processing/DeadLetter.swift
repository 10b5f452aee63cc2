/// Builds the dead-letter record for an input that could not be processed or delivered: the original
/// key, value and headers, plus headers saying what went wrong and where.
public enum DeadLetter {
    public static let errorHeader = "tributary.error"
    public static let kindHeader = "tributary.error.kind"
    public static let nodeHeader = "tributary.error.node"
    public static let topicHeader = "tributary.source.topic"
    public static let partitionHeader = "tributary.source.partition"
    public static let offsetHeader = "tributary.source.offset"

    static func record(for input: ConsumerRecord, error: ProcessingError, topic: String) -> ProducerRecord {
        record(for: input, reason: error.message, kind: error.kind.name, node: error.node, topic: topic)
    }

    /// The dead-letter record of `input`: `reason` in `tributary.error`, `kind` and `node` (the step or
    /// sink that refused it) in their headers, where it was read from, and `details` after those.
    public static func record(for input: ConsumerRecord, reason: String, kind: String, node: String, topic: String, details: [KafkaHeader] = []) -> ProducerRecord {
        ProducerRecord(
            topic: topic, key: input.key, value: input.value,
            headers: input.headers + [
                KafkaHeader(errorHeader, reason),
                KafkaHeader(kindHeader, kind),
                KafkaHeader(nodeHeader, node),
                KafkaHeader(topicHeader, input.topic),
                KafkaHeader(partitionHeader, String(input.partition)),
                KafkaHeader(offsetHeader, String(input.offset)),
            ] + details,
            timestamp: input.timestamp)
    }
}
