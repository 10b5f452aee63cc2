/// Builds the dead-letter record for an input that could not be processed or delivered: the original
/// key, value and headers, plus headers saying what went wrong and where.
public enum DeadLetter {
    public static let errorHeader = "tributary.error"
    public static let kindHeader = "tributary.error.kind"
    public static let nodeHeader = "tributary.error.node"
    public static let topicHeader = "tributary.source.topic"
    public static let partitionHeader = "tributary.source.partition"
    public static let offsetHeader = "tributary.source.offset"
    /// Present when the dead letter carries only the start of the value: `N of M bytes`.
    public static let truncatedHeader = "tributary.error.truncated"

    /// librdkafka's default `message.max.bytes`, less room for a record's framing.
    public static let maximumRecordBytes = 1_000_000 - 1_024

    /// The dead letter of `input`; when it would be larger than `maximumBytes` (the input itself was
    /// nearly as large as a record may be), it keeps the headers and reason and the value's start, and
    /// says so in ``truncatedHeader``: a dead letter the producer refused would stop the stream thread.
    static func record(for input: ConsumerRecord, error: ProcessingError, topic: String, maximumBytes: Int = maximumRecordBytes) -> ProducerRecord {
        var letter = record(for: input, reason: error.message, kind: error.kind.name, node: error.node, topic: topic)
        guard letter.payloadSize > maximumBytes, let value = letter.value else { return letter }
        // Room for the value once the header saying so is added (its text is at most 64 bytes).
        let room = max(0, maximumBytes - (letter.payloadSize - value.count) - truncatedHeader.utf8.count - 64)
        letter.value = Array(value.prefix(room))
        letter.headers.append(KafkaHeader(truncatedHeader, "\(room) of \(value.count) bytes"))
        return letter
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
