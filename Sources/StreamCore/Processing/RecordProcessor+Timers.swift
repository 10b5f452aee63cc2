import Foundation

/// Timers: a record cancels or starts its key's timers, then every timer due by the node's stream time
/// fires, in due-time order.
extension RecordProcessor {
    func runTimers(_ record: StreamRecord, _ schedule: TimerSchedule, at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        let store = state.store(schedule.store)
        let key = StoreKeyCodec.encode(record.key)
        let previous = state.checkpoint.streamTimes[node.name]
        let now = max(previous ?? record.timestamp, record.timestamp)
        state.checkpoint.streamTimes[node.name] = now

        // Cancelling first: a cancelling record at exactly the due time still counts as in time.
        if let cancelsWhen = schedule.cancelsWhen, try run(node, origin: record.origin, { try cancelsWhen(record) }) {
            for entry in try entries(of: store, in: .prefix(TimerStoreLayout.byKeyPrefix(key)), node: node, origin: record.origin) {
                let id = Array(entry.key.dropFirst(TimerStoreLayout.byKeyPrefix(key).count))
                store.delete(TimerStoreLayout.dueKey(due: WindowStoreLayout.readTime(entry.value, at: 0), key: key, id: id))
                store.delete(entry.key)
            }
        } else if try run(node, origin: record.origin, { try schedule.startsWhen(record) }) {
            var id: [UInt8] = []
            if let identifier = schedule.identifier {
                id = StoreKeyCodec.encode(try run(node, origin: record.origin) { try identifier(record) })
            }
            let due = (schedule.clock == .wallClock ? wallClock() : record.timestamp) + schedule.delay
            let pending = try storedValue(store, TimerStoreLayout.byKey(key: key, id: id), node: node, origin: record.origin).map { WindowStoreLayout.readTime($0, at: 0) }
            // A restarted timer replaces the pending one of the same key and id — unless, on event time,
            // the record is older than the one that set it (it arrived out of order): time since the
            // newest start is what counts, so a late record never pulls a timer earlier.
            let arrivedLate = schedule.clock == .streamTime && (pending ?? .min) > due
            if !arrivedLate {
                if let pending { store.delete(TimerStoreLayout.dueKey(due: pending, key: key, id: id)) }
                let payload = try run(node, origin: record.origin) { try schedule.payload(record) }
                // Kept with the key's type, so a fired timer carries the key its records had (`1`, not `"1"`).
                store.put(TimerStoreLayout.dueKey(due: due, key: key, id: id), StoredValue(value: payload, timestamp: due, key: record.key).bytes)
                store.put(TimerStoreLayout.byKey(key: key, id: id), WindowStoreLayout.timeBytes(due))
            }
        }

        if schedule.clock == .streamTime {
            try fireTimers(dueBy: now, schedule, at: node, origin: record.origin, state: state, into: &outputs)
        }
    }

    /// Fires the wall-clock timers of every timer step in `state` that are due by `now` (epoch
    /// milliseconds), and the wall-clock punctuations due: what the stream thread calls between polls. Returns the records to write; a
    /// failure leaves the timers pending and is returned for the caller to report.
    public func punctuate(_ state: TaskState, now: Int64, task: TaskID) -> Result<[ProducerRecord], ProcessingError> {
        var outputs: [ProducerRecord] = []
        let origin = RecordOrigin(topic: "wall-clock", partition: task.partition, offset: now)
        state.beginRecord()
        do throws(ProcessingError) {
            for node in topology.nodes {
                guard case .timers(let schedule) = node.operation, schedule.clock == .wallClock, state.stores[schedule.store] != nil else { continue }
                try fireTimers(dueBy: now, schedule, at: node, origin: origin, state: state, into: &outputs)
            }
            try punctuateOnWallClock(now: now, state: state, origin: origin, into: &outputs)
            state.endRecord()
            return .success(outputs)
        } catch {
            state.rollBackRecord()
            return .failure(error)
        }
    }

    private func fireTimers(
        dueBy now: Int64, _ schedule: TimerSchedule, at node: TopologyNode, origin: RecordOrigin, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let store = state.store(schedule.store)
        for entry in try entries(of: store, in: WindowStoreLayout.timeRange(from: 0, to: now + 1), node: node, origin: origin) {
            let (due, timerKey, id) = TimerStoreLayout.decodeDueKey(entry.key)
            store.delete(entry.key)
            store.delete(TimerStoreLayout.byKey(key: timerKey, id: id))
            let stored = try decodeStored(entry.value, node: node, origin: origin)
            var fired = StreamRecord(key: stored.key(from: timerKey), value: stored.value, timestamp: due, origin: origin)
            fired.resultID = "\(schedule.store)/\(String(decoding: timerKey, as: UTF8.self))/\(String(decoding: id, as: UTF8.self))/\(due)"
            try forward(fired, from: node.id, state: state, into: &outputs)
        }
    }

    /// Milliseconds since the epoch, now, by the machine's clock.
    public static func systemWallClock() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    private func storedValue(_ store: KeyValueStore, _ key: [UInt8], node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> [UInt8]? {
        do {
            return try store.get(key)
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(store.name)': \(error)", node: node.name, origin: origin)
        }
    }
}
