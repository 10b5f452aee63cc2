/// A record read back from a dead-letter topic: why it was refused, where it came from, and the
/// original record, ready to be produced to its source topic again once the cause is fixed.
public struct DeadLetterRecord: Sendable {
    /// The error message (`tributary.error`).
    public var reason: String
    /// The error kind (`tributary.error.kind`), e.g. `undecodable`, `expression-failed`, `late-record`.
    public var kind: String
    /// The step or sink that refused the record (`tributary.error.node`).
    public var node: String
    /// Where the record was read from.
    public var source: TopicPartition
    public var sourceOffset: Int64
    /// The original key, value, headers and timestamp.
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    public var timestamp: Int64

    /// The header a replayed record carries: the dead letter it came from, `TOPIC/PARTITION/OFFSET`.
    public static let replayedFromHeader = "tributary.replayed-from"

    /// Reads `record` as a dead letter; nil when it lacks the headers ``DeadLetter`` writes.
    public init?(_ record: ConsumerRecord) {
        func header(_ name: String) -> String? {
            record.headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        guard let topic = header(DeadLetter.topicHeader), let partition = header(DeadLetter.partitionHeader).flatMap(Int32.init),
              let offset = header(DeadLetter.offsetHeader).flatMap(Int64.init)
        else { return nil }
        reason = header(DeadLetter.errorHeader) ?? ""
        kind = header(DeadLetter.kindHeader) ?? ""
        node = header(DeadLetter.nodeHeader) ?? ""
        source = TopicPartition(topic, partition)
        sourceOffset = offset
        key = record.key
        value = record.value
        // The original headers are those before the dead-letter ones (and any details after them).
        let firstAdded = record.headers.firstIndex { $0.name == DeadLetter.errorHeader } ?? record.headers.endIndex
        headers = Array(record.headers[..<firstAdded])
        timestamp = record.timestamp
    }

    /// The original record, for its source topic and partition, marked with the dead letter it comes
    /// from (`deadLetter`: the dead-letter topic's record). Origin headers are left out: the task that
    /// dead-lettered the record counted its origin as applied, so with them the replay would be
    /// skipped as a duplicate; without them it is a new record.
    public func replay(from deadLetter: ConsumerRecord) -> ProducerRecord {
        let originHeaders: Set = [OriginHeaders.topic, OriginHeaders.partition, OriginHeaders.offset, OriginHeaders.fanout]
        return ProducerRecord(
            topic: source.topic, partition: source.partition, key: key, value: value,
            headers: headers.filter { !originHeaders.contains($0.name) && $0.name != Self.replayedFromHeader }
                + [KafkaHeader(Self.replayedFromHeader, "\(deadLetter.topic)/\(deadLetter.partition)/\(deadLetter.offset)")],
            timestamp: timestamp)
    }
}
