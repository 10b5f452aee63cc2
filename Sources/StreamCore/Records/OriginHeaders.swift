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

    /// An output's default id, `NODE/TOPIC/PARTITION/OFFSET/FANOUT`: the sink, its input's position and
    /// the output's place among that input's outputs. Written as bytes in one buffer, as it is made
    /// once per output.
    static func id(node: String, origin: RecordOrigin, fanout: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(node.utf8.count + origin.topic.utf8.count + 36)
        bytes.append(contentsOf: node.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: origin.topic.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendDecimal(Int64(origin.partition))
        bytes.append(UInt8(ascii: "/"))
        bytes.appendDecimal(origin.offset)
        bytes.append(UInt8(ascii: "/"))
        bytes.appendDecimal(Int64(fanout))
        return bytes
    }

    /// How many headers ``headers(for:fanout:)`` makes.
    static let count = 4

    /// Where a record written to a topic the topology reads back comes from: its input's position and
    /// its place among that input's outputs.
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
