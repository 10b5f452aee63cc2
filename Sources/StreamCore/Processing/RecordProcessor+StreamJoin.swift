/// Windowed stream-stream joins: each side stores its records (time first:
/// `time ‖ key length ‖ key ‖ offset ‖ topic` → `matched flag ‖ value`), looks up the other side's
/// within the window, and — for left and outer joins — emits the records that never matched once their
/// window has closed.
extension RecordProcessor {
    func joinStreams(
        _ record: StreamRecord, _ join: StreamStreamJoin, side: StreamStreamJoin.Side, at node: TopologyNode, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let otherSide: StreamStreamJoin.Side = side == .left ? .right : .left
        let own = state.store(join.store(of: side))
        let other = state.store(join.store(of: otherSide))
        let key = StoreKeyCodec.encode(record.key)
        // Both sides share one stream time, kept under the join's name.
        let previous = state.checkpoint.streamTimes[join.name]
        let now = max(previous ?? record.timestamp, record.timestamp)
        state.checkpoint.streamTimes[join.name] = now

        if join.windowEnd(of: side, at: record.timestamp) < now {
            // Its window closed before it arrived: it can join nothing the join has not already decided.
            statistics[node.id].recordLate()
        } else {
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
                if entry.value.first == 0 { other.put(entry.key, [1] + entry.value.dropFirst()) }
                try forwardJoined(left, right, key: record.key, join, at: node, origin: record.origin, state: state, into: &outputs)
            }
            own.put(JoinRecordLayout.key(time: record.timestamp, key: key, origin: record.origin), [matched ? 1 : 0] + JSONSerializer.serialize(record.value))
        }

        guard previous != now else { return }
        for storeSide in [StreamStreamJoin.Side.left, .right] {
            let store = state.store(join.store(of: storeSide))
            // Records whose window closed since the previous stream time: emit the unmatched ones (left and
            // outer joins), then drop every record no future record of the other side can join.
            let closedBefore = { (time: Int64) in time - (storeSide == .left ? join.after : join.before) - join.grace }
            if join.emitsUnmatched(storeSide) {
                let closing = WindowStoreLayout.timeRange(from: previous.map(closedBefore) ?? 0, to: closedBefore(now))
                for entry in try entries(of: store, in: closing, node: node, origin: record.origin) where entry.value.first == 0 {
                    let stored = JoinRecordLayout.decode(entry.key)
                    var unmatched = record
                    unmatched.key = StoreKeyCodec.decode(stored.key)
                    unmatched.value = try decodeAggregate(Array(entry.value.dropFirst()), node: node, origin: record.origin)
                    unmatched.timestamp = stored.time
                    unmatched.resultID = "\(join.store(of: storeSide))/\(String(decoding: stored.key, as: UTF8.self))/\(stored.time)/\(stored.offset)"
                    let (left, right) = storeSide == .left ? (unmatched, StreamRecord?.none) : (StreamRecord?.none, unmatched)
                    try forwardJoined(left, right, key: unmatched.key, join, at: node, origin: record.origin, state: state, into: &outputs)
                }
            }
            let expiredBefore = { (time: Int64) in time - join.before - join.after - join.grace }
            let expired = WindowStoreLayout.timeRange(from: previous.map(expiredBefore) ?? 0, to: expiredBefore(now))
            for entry in try entries(of: store, in: expired, node: node, origin: record.origin) { store.delete(entry.key) }
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
