/// Windowed stream-stream joins: each side stores its records (time first:
/// `time ‖ key length ‖ key ‖ offset ‖ topic` → `flags ‖ value`, see ``JoinRecordFlags``), looks up the
/// other side's within the window, and — for left and outer joins — emits the records that never matched
/// once their window has closed.
///
/// As in Kafka Streams, each side's store keeps its records for the window size plus grace behind that
/// side's own stream time, so a record of the other side that arrives out of order still joins what the
/// store holds; the closing of windows (unmatched results) follows the time both sides share.
extension RecordProcessor {
    func joinStreams(
        _ record: StreamRecord, _ join: StreamStreamJoin, side: StreamStreamJoin.Side, at node: TopologyNode, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let otherSide: StreamStreamJoin.Side = side == .left ? .right : .left
        let own = state.store(join.store(of: side))
        let other = state.store(join.store(of: otherSide))
        // Both sides share one stream time, kept under the join's name, and each has its own for its store.
        let previous = state.checkpoint.streamTimes[join.name]
        let now = max(previous ?? record.timestamp, record.timestamp)
        state.checkpoint.streamTimes[join.name] = now
        let sideTimeName = join.streamTimeName(of: side)
        let sidePrevious = state.checkpoint.streamTimes[sideTimeName] ?? previous
        let sideNow = max(sidePrevious ?? record.timestamp, record.timestamp)
        state.checkpoint.streamTimes[sideTimeName] = sideNow

        // Kafka Streams' KStreamKStreamJoin: a null key or value joins nothing and is skipped — except
        // that a left (or outer) record with a null key and a value is a result of its own (KIP-962).
        guard !record.key.isNull, !record.value.isNull else {
            if join.emitsUnmatched(side), !record.value.isNull {
                let (left, right) = side == .left ? (record, StreamRecord?.none) : (StreamRecord?.none, record)
                try forwardJoined(left, right, key: record.key, join, at: node, origin: record.origin, state: state, into: &outputs)
            } else {
                statistics[node.id].recordDropped()
            }
            return
        }
        // Records whose window closed as stream time moved on go out first, as Kafka Streams emits them
        // before the results of the record that moved it.
        if let previous, previous != now {
            try emitUnmatched(closedBetween: previous, and: now, join, triggeredBy: record, at: node, state: state, into: &outputs)
        }

        // Every record of the other side its store still holds within the window joins, however late
        // this record arrives.
        let key = StoreKeyCodec.encode(record.key)
        var matched = false
        let range = join.otherSideRange(of: side, at: record.timestamp)
        for entry in try entries(of: other, in: WindowStoreLayout.timeRange(from: range.lowerBound, to: range.upperBound + 1), node: node, origin: record.origin) {
            let stored = JoinRecordLayout.decode(entry.key)
            guard stored.key == key, range.contains(stored.time) else { continue }
            var otherRecord = record
            otherRecord.value = try decodeAggregate(Array(entry.value.dropFirst()), node: node, origin: record.origin)
            otherRecord.timestamp = stored.time
            let (left, right) = side == .left ? (record, otherRecord) : (otherRecord, record)
            if let condition = join.condition, !(try run(node, origin: record.origin, { try condition(left, right) })) { continue }
            matched = true
            if let flags = entry.value.first, flags & JoinRecordFlags.matched == 0 { other.put(entry.key, [flags | JoinRecordFlags.matched] + entry.value.dropFirst()) }
            try forwardJoined(left, right, key: record.key, join, at: node, origin: record.origin, state: state, into: &outputs)
        }
        if !matched, join.emitsUnmatched(side), join.windowEnd(of: side, at: record.timestamp) < now {
            // Its window had closed before it arrived (Kafka Streams asks without grace here): it goes
            // out now rather than wait for a closing it has missed.
            let (left, right) = side == .left ? (record, StreamRecord?.none) : (StreamRecord?.none, record)
            try forwardJoined(left, right, key: record.key, join, at: node, origin: record.origin, state: state, into: &outputs)
            matched = true
        }
        if record.timestamp >= join.retainedFrom(at: sideNow) {
            let flags = (matched ? JoinRecordFlags.matched : 0) | (record.key.isTextKey ? 0 : JoinRecordFlags.jsonKey)
            own.put(JoinRecordLayout.key(time: record.timestamp, key: key, origin: record.origin), [flags] + JSONSerializer.serialize(record.value))
        } else if !matched {
            // Older than this side's store keeps: it joined what was left, and no later record can join it.
            statistics[node.id].recordLate()
        }

        // Drop the records of this side that fell out of its retention.
        guard let sidePrevious, sidePrevious != sideNow else { return }
        let expired = WindowStoreLayout.timeRange(from: join.retainedFrom(at: sidePrevious), to: join.retainedFrom(at: sideNow))
        for entry in try entries(of: own, in: expired, node: node, origin: record.origin) { own.delete(entry.key) }
    }

    /// With a left or outer join, emits the records that found no match and whose window closed as
    /// stream time moved from `previous` to `now`: in time order, right before left at the same time,
    /// then by key — the order of Kafka Streams' outer-join store.
    private func emitUnmatched(
        closedBetween previous: Int64, and now: Int64, _ join: StreamStreamJoin, triggeredBy record: StreamRecord, at node: TopologyNode,
        state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        var unmatched: [(side: StreamStreamJoin.Side, flags: UInt8, stored: (time: Int64, key: [UInt8], offset: Int64), value: [UInt8])] = []
        for side in [StreamStreamJoin.Side.right, .left] where join.emitsUnmatched(side) {
            let store = state.store(join.store(of: side))
            let closing = WindowStoreLayout.timeRange(from: join.closedBefore(of: side, at: previous), to: join.closedBefore(of: side, at: now))
            for entry in try entries(of: store, in: closing, node: node, origin: record.origin) {
                guard let flags = entry.value.first, flags & JoinRecordFlags.matched == 0 else { continue }
                unmatched.append((side, flags, JoinRecordLayout.decode(entry.key), Array(entry.value.dropFirst())))
                store.put(entry.key, [flags | JoinRecordFlags.matched] + entry.value.dropFirst())
            }
        }
        unmatched.sort { first, second in
            if first.stored.time != second.stored.time { return first.stored.time < second.stored.time }
            if first.side != second.side { return first.side == .right }
            if first.stored.key != second.stored.key { return first.stored.key.lexicographicallyPrecedes(second.stored.key) }
            return first.stored.offset < second.stored.offset
        }
        for entry in unmatched {
            var result = record
            result.key = JoinRecordFlags.key(from: entry.stored.key, flags: entry.flags)
            result.value = try decodeAggregate(entry.value, node: node, origin: record.origin)
            result.timestamp = entry.stored.time
            result.resultID = "\(join.store(of: entry.side))/\(String(decoding: entry.stored.key, as: UTF8.self))/\(entry.stored.time)/\(entry.stored.offset)"
            let (left, right) = entry.side == .left ? (result, StreamRecord?.none) : (StreamRecord?.none, result)
            try forwardJoined(left, right, key: result.key, join, at: node, origin: record.origin, state: state, into: &outputs)
        }
    }

    private func forwardJoined(
        _ left: StreamRecord?, _ right: StreamRecord?, key: JSONValue, _ join: StreamStreamJoin, at node: TopologyNode, origin: RecordOrigin,
        state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        var joined = (left ?? right)!
        joined.key = key
        joined.value = try run(node, origin: origin) { try join.joiner(left, right) }
        joined.timestamp = max(left?.timestamp ?? .min, right?.timestamp ?? .min)
        try forward(joined, from: node.id, state: state, into: &outputs)
    }
}

/// The first byte of a stream-stream join store's value.
enum JoinRecordFlags {
    /// The record has joined (or was emitted unmatched): it is not emitted unmatched again.
    static let matched: UInt8 = 1
    /// The key is JSON of another type than string (store keys hold it as text).
    static let jsonKey: UInt8 = 2

    /// A stored record's key, as the type it had.
    static func key(from bytes: [UInt8], flags: UInt8) -> JSONValue {
        StoredValue.key(from: bytes, isText: flags & jsonKey == 0)
    }
}

/// Keys of a stream-stream join side's store: time first, so the window lookups and the closing scans
/// are range scans; the origin keeps records with the same time and key apart.
enum JoinRecordLayout {
    static func key(time: Int64, key: [UInt8], origin: RecordOrigin) -> [UInt8] {
        let length = UInt32(key.count)
        return WindowStoreLayout.timeBytes(time) + (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + key
            + WindowStoreLayout.timeBytes(origin.offset) + Array(origin.topic.utf8)
    }

    static func decode(_ bytes: [UInt8]) -> (time: Int64, key: [UInt8], offset: Int64) {
        let length = Int(bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        return (WindowStoreLayout.readTime(bytes, at: 0), Array(bytes[12..<(12 + length)]), WindowStoreLayout.readTime(bytes, at: 12 + length))
    }
}
