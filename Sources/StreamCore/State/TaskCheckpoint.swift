/// What a task's state reflects: the highest origin position applied per origin partition, and the
/// stream time of each node that keeps one. Written with the state it describes, in the same RocksDB
/// batch and after the same changelog records, so state and checkpoint can never disagree.
public struct TaskCheckpoint: Hashable, Sendable {
    public var applied: [TopicPartition: OriginPosition] = [:]
    /// Stream time (largest event time seen) per windowed node, by node name.
    public var streamTimes: [String: Int64] = [:]

    public init(applied: [TopicPartition: OriginPosition] = [:], streamTimes: [String: Int64] = [:]) {
        self.applied = applied
        self.streamTimes = streamTimes
    }

    /// Whether the record at `position` of `partition` is already reflected in the state.
    public func hasApplied(_ position: OriginPosition, of partition: TopicPartition) -> Bool {
        guard let applied = applied[partition] else { return false }
        return position <= applied
    }

    // MARK: - Encoding

    /// JSON, so that a checkpoint read with `kcat` from a changelog explains itself.
    var encoded: [UInt8] {
        var positions: [JSONValue] = []
        for (partition, position) in applied.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            positions.append(.object([
                "topic": .string(partition.topic), "partition": .int(Int64(partition.partition)),
                "offset": .int(position.offset), "fanout": .int(Int64(position.fanout)),
            ]))
        }
        var times = JSONObject()
        for (node, time) in streamTimes.sorted(by: { $0.key < $1.key }) { times[node] = .int(time) }
        return JSONSerializer.serialize(.object(["applied": .array(positions), "stream-times": .object(times)]))
    }

    init?(encoded bytes: [UInt8]) {
        guard case .object(let object)? = try? JSONParser.parse(bytes) else { return nil }
        if case .array(let positions)? = object["applied"] {
            for case .object(let position) in positions {
                guard case .string(let topic)? = position["topic"], case .int(let partition)? = position["partition"],
                      case .int(let offset)? = position["offset"], case .int(let fanout)? = position["fanout"] else { return nil }
                applied[TopicPartition(topic, Int32(partition))] = OriginPosition(offset: offset, fanout: Int(fanout))
            }
        }
        if case .object(let times)? = object["stream-times"] {
            for (node, time) in times {
                guard case .int(let time) = time else { return nil }
                streamTimes[node] = time
            }
        }
    }
}
