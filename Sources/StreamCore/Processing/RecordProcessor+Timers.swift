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

        let retracts = schedule.retraction != nil && schedule.clock == .streamTime

        // Cancelling first: a cancelling record at exactly the due time still counts as in time.
        if let cancelsWhen = schedule.cancelsWhen, try run(node, origin: record.origin, { try cancelsWhen(record) }) {
            for entry in try entries(of: store, in: .prefix(TimerStoreLayout.byKeyPrefix(key)), node: node, origin: record.origin) {
                let id = Array(entry.key.dropFirst(TimerStoreLayout.byKeyPrefix(key).count))
                let due = WindowStoreLayout.readTime(entry.value, at: 0)
                // With retractions, cancelling follows event time: a timer started after this record, or
                // due before it (it fires below), is not this record's to cancel.
                if retracts, !(due - schedule.delay...due).contains(record.timestamp) { continue }
                store.delete(TimerStoreLayout.dueKey(due: due, key: key, id: id))
                store.delete(entry.key)
            }
            if retracts {
                try retractFiredTimers(of: key, cancelledAt: record.timestamp, schedule, at: node, origin: record.origin, state: state, into: &outputs)
                remember(TimerStoreLayout.cancelTag, key: key, suffix: WindowStoreLayout.timeBytes(record.timestamp), until: record.timestamp + schedule.delay, in: store)
            }
        } else if try run(node, origin: record.origin, { try schedule.startsWhen(record) }) {
            // A start older than a cancel already seen within its delay was cancelled in event time.
            if retracts, try cancelSeen(for: key, within: record.timestamp...(record.timestamp + schedule.delay), in: store, node: node, origin: record.origin) {
                return try fireAndForget(dueBy: now, schedule, at: node, origin: record.origin, state: state, into: &outputs)
            }
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

        try fireAndForget(dueBy: now, schedule, at: node, origin: record.origin, state: state, into: &outputs)
    }

    /// On stream time: fires the timers due by `now`, and forgets the fired timers and cancels that
    /// are older than one delay.
    private func fireAndForget(
        dueBy now: Int64, _ schedule: TimerSchedule, at node: TopologyNode, origin: RecordOrigin, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        guard schedule.clock == .streamTime else { return }
        try fireTimers(dueBy: now, schedule, at: node, origin: origin, state: state, into: &outputs)
        guard schedule.retraction != nil else { return }
        let store = state.store(schedule.store)
        for (indexTag, tag) in [(TimerStoreLayout.firedExpiryTag, TimerStoreLayout.firedTag), (TimerStoreLayout.cancelExpiryTag, TimerStoreLayout.cancelTag)] {
            for entry in try entries(of: store, in: TimerStoreLayout.expiredRange(indexTag, by: now), node: node, origin: origin) {
                let (_, key, suffix) = TimerStoreLayout.decodeExpiryKey(entry.key)
                store.delete(entry.key)
                store.delete(TimerStoreLayout.rememberedKey(tag, key: key, suffix: suffix))
            }
        }
    }

    /// Sends the retraction of each fired timer of `key` that a cancel at `time` would have cancelled
    /// in time (started at or before it, due at or after it), and forgets those timers.
    private func retractFiredTimers(
        of key: [UInt8], cancelledAt time: Int64, _ schedule: TimerSchedule, at node: TopologyNode, origin: RecordOrigin, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        guard let retraction = schedule.retraction else { return }
        let store = state.store(schedule.store)
        let prefix = TimerStoreLayout.rememberedPrefix(TimerStoreLayout.firedTag, key: key)
        for entry in try entries(of: store, in: .prefix(prefix), node: node, origin: origin) {
            let stored = try decodeStored(entry.value, node: node, origin: origin)
            guard let due = stored.timestamp, due - schedule.delay <= time, time <= due else { continue }
            let id = Array(entry.key.dropFirst(prefix.count))
            store.delete(entry.key)
            store.delete(TimerStoreLayout.expiryKey(TimerStoreLayout.firedExpiryTag, expiry: due + schedule.delay, key: key, suffix: id))
            let fired = StreamRecord(key: stored.key(from: key), value: stored.value, timestamp: time, origin: origin)
            var retracted = StreamRecord(key: fired.key, value: try run(node, origin: origin) { try retraction(fired) }, timestamp: time, origin: origin)
            retracted.resultID = "\(schedule.store)/retraction/\(String(decoding: key, as: UTF8.self))/\(String(decoding: id, as: UTF8.self))/\(due)"
            try forward(retracted, from: node.id, state: state, into: &outputs)
        }
    }

    /// Whether a cancel of `key` at a time in `range` was seen (and is still remembered).
    private func cancelSeen(for key: [UInt8], within range: ClosedRange<Int64>, in store: KeyValueStore, node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> Bool {
        let prefix = TimerStoreLayout.rememberedPrefix(TimerStoreLayout.cancelTag, key: key)
        return try entries(of: store, in: .prefix(prefix), node: node, origin: origin).contains { entry in
            range.contains(WindowStoreLayout.readTime(entry.key, at: prefix.count))
        }
    }

    /// Keeps an entry under `tag` for `key` until stream time passes `expiry`.
    private func remember(_ tag: UInt8, key: [UInt8], suffix: [UInt8], value: [UInt8] = [], until expiry: Int64, in store: KeyValueStore) {
        store.put(TimerStoreLayout.rememberedKey(tag, key: key, suffix: suffix), value)
        let indexTag = tag == TimerStoreLayout.firedTag ? TimerStoreLayout.firedExpiryTag : TimerStoreLayout.cancelExpiryTag
        store.put(TimerStoreLayout.expiryKey(indexTag, expiry: expiry, key: key, suffix: suffix), [])
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
            if schedule.retraction != nil, schedule.clock == .streamTime {
                // A timer of this key and id that fired before is replaced, its forgetting with it.
                let firedKey = TimerStoreLayout.rememberedKey(TimerStoreLayout.firedTag, key: timerKey, suffix: id)
                if let earlier = try storedValue(store, firedKey, node: node, origin: origin), let earlierDue = try decodeStored(earlier, node: node, origin: origin).timestamp {
                    store.delete(TimerStoreLayout.expiryKey(TimerStoreLayout.firedExpiryTag, expiry: earlierDue + schedule.delay, key: timerKey, suffix: id))
                }
                remember(TimerStoreLayout.firedTag, key: timerKey, suffix: id, value: entry.value, until: due + schedule.delay, in: store)
            }
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
