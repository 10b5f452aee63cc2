/// Headers that say where a record comes from, so that the next task can recognise a repeat.
///
/// Records written to internal (repartition) topics carry their origin: the input record of the
/// upstream task (topic, partition, offset) and its position among that input's outputs (fan-out).
/// Every output record carries a deterministic id, the same however often it is re-produced.
public enum OriginHeaders {
    public static let topic = "tributary.origin.topic"
    public static let partition = "tributary.origin.partition"
    public static let offset = "tributary.origin.offset"
    public static let fanout = "tributary.origin.fanout"
    /// `node/topic/partition/offset/fan-out` for records derived from one input, `store/key/window-start`
    /// for window results: downstream consumers de-duplicate by it.
    public static let id = "tributary.id"

    static func headers(for origin: RecordOrigin, fanout index: Int) -> [KafkaHeader] {
        [
            KafkaHeader(topic, origin.topic), KafkaHeader(partition, String(origin.partition)),
            KafkaHeader(offset, String(origin.offset)), KafkaHeader(fanout, String(index)),
        ]
    }

    /// The origin partition and position in `headers`, when all four headers are there and valid.
    static func position(in headers: [KafkaHeader]) -> (partition: TopicPartition, position: OriginPosition)? {
        func text(_ name: String) -> String? {
            headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        guard let topic = text(topic), let partition = text(partition).flatMap(Int32.init),
              let offset = text(offset).flatMap(Int64.init), let fanout = text(fanout).flatMap(Int.init) else { return nil }
        return (TopicPartition(topic, partition), OriginPosition(offset: offset, fanout: fanout))
    }

    /// `headers` without the ones Tributary adds, so that they do not travel on to other records.
    static func removing(from headers: [KafkaHeader]) -> [KafkaHeader] {
        headers.filter { ![topic, partition, offset, fanout, id].contains($0.name) }
    }
}
