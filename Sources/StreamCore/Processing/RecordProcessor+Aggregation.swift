/// Stateful nodes: aggregations per key, per time window and per session, and tables.
///
/// Each windowed node keeps its own stream time (the largest event time it has seen, as Kafka Streams'
/// window processors do) in the task checkpoint, so it survives restarts with the windows it governs.
extension RecordProcessor {
    func aggregate(_ record: StreamRecord, _ aggregation: Aggregation, at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]) throws(ProcessingError) {
        if let subtractor = aggregation.subtractor {
            return try aggregateTable(record, aggregation, subtractor: subtractor, at: node, state: state, into: &outputs)
        }
        guard !skipsNulls(of: record, aggregation) else {
            statistics[node.id].recordDropped()
            return
        }
        let store = state.store(aggregation.store)
        let key = StoreKeyCodec.encode(record.key)
        switch aggregation.windows {
        case nil:
            var expiredBefore: Int64?
            if let timeToLive = aggregation.timeToLive {
                let now = observeStreamTime(of: record, at: node, state: state).now
                try expireEntries(of: store, livingFor: timeToLive, at: node, now: now, state: state, origin: record.origin)
                expiredBefore = now - timeToLive
            }
            let updated = try update(store, at: key, with: record, aggregation, node: node, expiredBefore: expiredBefore)
            var result = record
            result.value = updated.value
            result.timestamp = updated.timestamp ?? record.timestamp
            try forward(result, from: node.id, state: state, into: &outputs)
        case .time(let windows):
            try aggregate(record, key: key, in: windows, aggregation, store: store, at: node, state: state, into: &outputs)
        case .session(let sessions):
            try aggregate(record, key: key, in: sessions, aggregation, store: store, at: node, state: state, into: &outputs)
        case .sliding(let windows):
            try aggregate(record, key: key, in: windows, aggregation, store: store, at: node, state: state, into: &outputs)
        }
    }

    /// A grouped table's change applied to its group's aggregate (Kafka Streams' `KTableAggregate` and
    /// `KTableReduce`): the old value subtracted, then the new one added (from the initializer, or for a
    /// reduce the value itself, when the group has no aggregate). The result is the group's row in the
    /// aggregate table, stamped with the newest time it reflects, with the previous aggregate as old value.
    private func aggregateTable(
        _ record: StreamRecord, _ aggregation: Aggregation, subtractor: Aggregation.Adder, at node: TopologyNode, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        guard !record.key.isNull else {
            statistics[node.id].recordDropped()
            return
        }
        let store = state.store(aggregation.store)
        let key = StoreKeyCodec.encode(record.key)
        let current = try storedValue(at: key, in: store, node: node, origin: record.origin)
        var aggregate = current?.value
        var timestamp = record.timestamp
        if let oldValue = record.oldValue, let existing = current?.value {
            aggregate = try run(node, origin: record.origin) { try subtractor(existing, record.withValue(oldValue)) }
            timestamp = max(record.timestamp, current?.timestamp ?? record.timestamp)
        }
        if !record.value.isNull {
            aggregate = try add(record, to: aggregate, aggregation, node: node)
            if let current { timestamp = max(record.timestamp, current.timestamp ?? record.timestamp) }
        }
        if let aggregate {
            store.put(key, StoredValue(value: aggregate, timestamp: timestamp, key: record.key).bytes)
        } else {
            store.delete(key)
        }
        var result = record
        result.value = aggregate ?? .null
        result.oldValue = current?.value
        result.timestamp = timestamp
        try forward(result, from: node.id, state: state, into: &outputs)
    }

    /// Whether `record` is skipped, as Kafka Streams' aggregation processors skip it: every aggregation
    /// skips a null key (it has no group); a null value is skipped over all time and sliding windows
    /// (`KStreamAggregate`, `KStreamReduce`, `KStreamSlidingWindowAggregate`), but reaches the adder of
    /// time and session windows (`KStreamWindowAggregate`, `KStreamSessionWindowAggregate`).
    private func skipsNulls(of record: StreamRecord, _ aggregation: Aggregation) -> Bool {
        if record.key.isNull { return true }
        switch aggregation.windows {
        case nil, .sliding: return record.value.isNull
        case .time, .session: return false
        }
    }

    /// Keeps the table's latest value of the record's key (Kafka Streams' `KTableSource`); returns the
    /// change to forward, carrying the key's previous value, or `nil` for a null key (no row to update).
    /// Every update goes on, also one that changes nothing: Kafka Streams has emit-on-change (KIP-557)
    /// disabled (`KTableAggregateTest#testShouldNotSendTransientStateIfNotUpgrading` expects the repeat).
    func materialize(_ record: StreamRecord, in store: KeyValueStore, at node: TopologyNode) throws(ProcessingError) -> StreamRecord? {
        guard !record.key.isNull else { return nil }
        let key = StoreKeyCodec.encode(record.key)
        let old = try storedValue(at: key, in: store, node: node, origin: record.origin)
        if record.value.isNull {
            store.delete(key)
        } else {
            store.put(key, StoredValue(value: record.value, timestamp: record.timestamp, key: record.key).bytes)
        }
        var change = record
        change.oldValue = old?.value
        return change
    }

    // MARK: - Time windows

    private func aggregate(
        _ record: StreamRecord, key: [UInt8], in windows: TimeWindows, _ aggregation: Aggregation, store: KeyValueStore,
        at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let (previous, now) = observeStreamTime(of: record, at: node, state: state)
        let streamTime = StreamTime(current: now)

        var isIncluded = false
        for window in windows.windows(containing: record.timestamp) where !windows.isClosed(window, at: streamTime) {
            let updated = try update(store, at: WindowStoreLayout.windowKey(start: window.start, key: key), with: record, aggregation, node: node, expiredBefore: nil)
            isIncluded = true
            if aggregation.emit == .updates {
                try forward(record, as: updated.value, at: updated.timestamp ?? record.timestamp, in: window, from: node, state: state, into: &outputs)
            }
        }
        if !isIncluded { try late(record, aggregation, at: node) }

        // Windows close when stream time reaches end + grace: those whose start moved past this bound now.
        try emitClosedWindows(
            of: store, between: previous, and: now, leadingTimeBound: { $0 - windows.grace - windows.size + 1 }, startsEvery: windows.advance,
            decode: { WindowStoreLayout.decodeWindowKey($0, size: windows.size) }, triggeredBy: record, aggregation, at: node, state: state, into: &outputs)
        try expire(
            store, startingBefore: { $0.map { $0 - aggregation.retention + 1 } ?? 0 }, startsEvery: windows.advance, previous: previous, now: now,
            node: node, origin: record.origin)
    }

    // MARK: - Sessions

    private func aggregate(
        _ record: StreamRecord, key: [UInt8], in sessions: SessionWindows, _ aggregation: Aggregation, store: KeyValueStore,
        at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let (previous, now) = observeStreamTime(of: record, at: node, state: state)
        let streamTime = StreamTime(current: now)
        let timestamp = record.timestamp

        // Sessions of this key that end late enough to merge with the record (time-first keys: filter by
        // key): every one the store holds, as in Kafka Streams — except that with `emit: final` a closed
        // session's result is already out, so it never merges (a deliberate difference: Kafka Streams
        // would reopen it and emit a second, overlapping "final" result).
        let candidates = try entries(of: store, in: WindowStoreLayout.timeRange(from: timestamp - sessions.gap, to: .max), node: node, origin: record.origin)
            .map { (WindowStoreLayout.decodeSessionKey($0.key), $0.value) }
            .filter { $0.0.key == key && (aggregation.emit == .updates || !sessions.isClosed($0.0.session, at: streamTime)) }
        let merging = sessions.sessionsToMerge(candidates.map(\.0.session), with: timestamp)
        let merged = sessions.mergedSession(merging, with: timestamp)
        guard !sessions.isClosed(merged, at: streamTime) else {
            return try late(record, aggregation, at: node)
        }
        // As Kafka Streams' KStreamSessionWindowAggregate: the initializer's value, merged with each
        // merging session in turn (a reduce starts from the first), then the record added; when the
        // record changes any session, every merging session is deleted and withdrawn with a tombstone.
        var aggregate: JSONValue?
        let mergingSessions = candidates.sorted(by: { $0.0.session < $1.0.session }).filter { merging.contains($0.0.session) }
        if !mergingSessions.isEmpty, let initializer = aggregation.initializer {
            aggregate = try run(node, origin: record.origin) { try initializer(record) }
        }
        for (entry, value) in mergingSessions {
            let sessionAggregate = try decodeAggregate(value, node: node, origin: record.origin)
            if let current = aggregate {
                guard let merger = aggregation.merger else { preconditionFailure("session aggregations have a merger; the DSL requires one") }
                aggregate = try run(node, origin: record.origin) { try merger(current, sessionAggregate) }
            } else {
                aggregate = sessionAggregate
            }
            // A record inside a one-record session at its own time leaves that session's window as it is.
            guard merged != TimeWindow(start: timestamp, end: timestamp) else { continue }
            store.delete(WindowStoreLayout.sessionKey(entry.session, key: key))
            if aggregation.emit == .updates {
                try forward(record, as: .null, at: entry.session.end, in: entry.session, from: node, state: state, into: &outputs)
            }
        }
        let updated = try add(record, to: aggregate, aggregation, node: node)
        // A session's result carries its end — its newest record's time — as Kafka Streams stamps it.
        store.put(WindowStoreLayout.sessionKey(merged, key: key), StoredValue(value: updated, timestamp: merged.end, key: record.key).bytes)
        if aggregation.emit == .updates {
            try forward(record, as: updated, at: merged.end, in: merged, from: node, state: state, into: &outputs)
        }

        // A session closes once stream time passes end + gap + grace.
        try emitClosedWindows(
            of: store, between: previous, and: now, leadingTimeBound: { $0 - sessions.gap - sessions.grace },
            decode: WindowStoreLayout.decodeSessionKey, triggeredBy: record, aggregation, at: node, state: state, into: &outputs)
        try expire(store, startingBefore: { $0.map { $0 - aggregation.retention } ?? 0 }, previous: previous, now: now, node: node, origin: record.origin)
    }

    // MARK: - Sliding windows

    /// Sliding windows exist where records put them, so the node keeps each key's records (while a window
    /// holding them can still change) and recomputes every affected window from them, in time order.
    private func aggregate(
        _ record: StreamRecord, key: [UInt8], in windows: SlidingWindows, _ aggregation: Aggregation, store: KeyValueStore,
        at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let (previous, now) = observeStreamTime(of: record, at: node, state: state)
        let streamTime = StreamTime(current: now)
        let prefix = WindowStoreLayout.heldRecordPrefix(key: key)
        var held = try entries(of: store, in: .prefix(prefix), node: node, origin: record.origin).map { entry in
            (position: WindowStoreLayout.decodeHeldRecordKey(entry.key), value: entry.value)
        }

        let affected = record.timestamp < 0 ? [] : windows.windowsAffectedInUpdateOrder(byRecordAt: record.timestamp, existing: held.map(\.position.time))
            .filter { !windows.isClosed($0, at: streamTime) }
        if affected.isEmpty {
            // No open window would hold it (its own are closed, and no held record makes one that is
            // open): Kafka Streams keeps nothing of such a record, so it defines no window later either.
            try late(record, aggregation, at: node)
        } else {
            let sequence = (held.map(\.position.sequence).max() ?? -1) + 1
            let value = JSONSerializer.serialize(record.value)
            store.put(WindowStoreLayout.heldRecordKey(key: key, time: record.timestamp, sequence: sequence), value)
            held.append(((record.timestamp, sequence), value))
            // Kafka Streams adds each record to the windows' aggregates as it arrives, so the adder sees a
            // window's records in arrival order.
            held.sort { $0.position.sequence < $1.position.sequence }
            for window in affected {
                var aggregate: JSONValue?
                var newest = Int64.min
                for entry in held where windows.contains(window, entry.position.time) {
                    var member = record
                    member.value = try decodeAggregate(entry.value, node: node, origin: record.origin)
                    member.timestamp = entry.position.time
                    aggregate = try add(member, to: aggregate, aggregation, node: node)
                    newest = max(newest, entry.position.time)
                }
                guard let aggregate else { continue }
                // A window's result carries the time of its newest record (Kafka Streams' ValueAndTimestamp).
                store.put(WindowStoreLayout.windowKey(start: window.start, key: key), StoredValue(value: aggregate, timestamp: newest, key: record.key).bytes)
                if aggregation.emit == .updates { try forward(record, as: aggregate, at: newest, in: window, from: node, state: state, into: &outputs) }
            }
        }

        // A window [start, start + size] closes once stream time passes its end + grace.
        try emitClosedWindows(
            of: store, between: previous, and: now, leadingTimeBound: { $0 - windows.size - windows.grace },
            decode: { WindowStoreLayout.decodeWindowKey($0, size: windows.size) }, triggeredBy: record, aggregation, at: node, state: state, into: &outputs)
        try expire(store, startingBefore: { $0.map { $0 - aggregation.retention + 1 } ?? 0 }, previous: previous, now: now, node: node, origin: record.origin)
        // Held records outlive every window that could still change with them; this key's are pruned here.
        for entry in held where entry.position.time + windows.size + windows.grace + 1 < now {
            store.delete(WindowStoreLayout.heldRecordKey(key: key, time: entry.position.time, sequence: entry.position.sequence))
        }
    }

    // MARK: - Shared steps

    /// Advances the node's stream time with `record`; returns it before and after.
    func observeStreamTime(of record: StreamRecord, at node: TopologyNode, state: TaskState) -> (previous: Int64?, now: Int64) {
        let previous = state.checkpoint.streamTimes[node.name]
        let now = max(previous ?? record.timestamp, record.timestamp)
        state.checkpoint.streamTimes[node.name] = now
        return (previous, now)
    }

    /// Forwards an update of `window`'s aggregate (null withdraws it), as the record that caused it,
    /// stamped `timestamp`.
    private func forward(
        _ record: StreamRecord, as aggregate: JSONValue, at timestamp: Int64, in window: TimeWindow, from node: TopologyNode, state: TaskState,
        into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        var result = record
        result.value = aggregate
        result.timestamp = timestamp
        result.window = window
        try forward(result, from: node.id, state: state, into: &outputs)
    }

    /// With `emit: final`, forwards the windows that closed as stream time moved from `previous` to
    /// `now`: the store entries whose leading time (start, or end for sessions) lies between the bound
    /// at `previous` (included) and the bound at `now` (excluded). Earlier ones were emitted before.
    private func emitClosedWindows(
        of store: KeyValueStore, between previous: Int64?, and now: Int64, leadingTimeBound bound: (Int64) -> Int64, startsEvery alignment: Int64 = 1,
        decode: ([UInt8]) -> (TimeWindow, [UInt8]), triggeredBy record: StreamRecord, _ aggregation: Aggregation,
        at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        guard aggregation.emit == .final, previous != now else { return }
        let (from, to) = (previous.map(bound) ?? 0, bound(now))
        guard Self.someMultiple(of: alignment, from: from, to: to) else { return }
        let range = WindowStoreLayout.timeRange(from: from, to: to)
        for entry in try entries(of: store, in: range, node: node, origin: record.origin) {
            let (window, key) = decode(entry.key)
            try emit(window: window, key: key, aggregate: entry.value, from: record, aggregation, at: node, state: state, into: &outputs)
        }
    }

    /// Applies `record` to the aggregate stored at `key` and stores the result, stamped with the newest
    /// time of the records it reflects (Kafka Streams' `KStreamAggregate`: the larger of the record's
    /// and the stored aggregate's). An aggregate whose newest time is before `expiredBefore` has expired:
    /// the record starts a new one.
    private func update(
        _ store: KeyValueStore, at key: [UInt8], with record: StreamRecord, _ aggregation: Aggregation, node: TopologyNode, expiredBefore: Int64?
    ) throws(ProcessingError) -> StoredValue {
        var current = try storedValue(at: key, in: store, node: node, origin: record.origin)
        if let expiredBefore, let timestamp = current?.timestamp, timestamp < expiredBefore { current = nil }
        let value = try add(record, to: current?.value, aggregation, node: node)
        let updated = StoredValue(value: value, timestamp: max(record.timestamp, current?.timestamp ?? record.timestamp), key: record.key)
        store.put(key, updated.bytes)
        return updated
    }

    /// The entry stored at `key`, if any.
    func storedValue(at key: [UInt8], in store: KeyValueStore, node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> StoredValue? {
        let stored: [UInt8]?
        do {
            stored = try store.get(key)
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(store.name)': \(error)", node: node.name, origin: origin)
        }
        return try stored.map { bytes throws(ProcessingError) in try decodeStored(bytes, node: node, origin: origin) }
    }

    /// The aggregate after `record`: the initializer's value (or the record's, for `reduce`) for a key
    /// that has none yet, then the adder.
    private func add(_ record: StreamRecord, to current: JSONValue?, _ aggregation: Aggregation, node: TopologyNode) throws(ProcessingError) -> JSONValue {
        if let current {
            return try run(node, origin: record.origin) { try aggregation.adder(current, record) }
        }
        guard let initializer = aggregation.initializer else { return record.value }
        let initial = try run(node, origin: record.origin) { try initializer(record) }
        return try run(node, origin: record.origin) { try aggregation.adder(initial, record) }
    }

    func decodeAggregate(_ bytes: [UInt8], node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> JSONValue {
        try decodeStored(bytes, node: node, origin: origin).value
    }

    func decodeStored(_ bytes: [UInt8], node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> StoredValue {
        do {
            return try StoredValue.decode(bytes)
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "stored aggregate is not JSON: \(error)", node: node.name, origin: origin)
        }
    }

    func entries(of store: KeyValueStore, in range: RocksDBKeyRange, node: TopologyNode, origin: RecordOrigin) throws(ProcessingError) -> [(key: [UInt8], value: [UInt8])] {
        do {
            return try store.entries(in: range)
        } catch {
            throw ProcessingError(kind: .stateUnavailable, message: "store '\(store.name)': \(error)", node: node.name, origin: origin)
        }
    }

    /// Forwards a window's final result, stamped with its newest record's time (what Kafka Streams'
    /// suppression buffered); its id names the store, key and window, not the record that happened to
    /// close it.
    private func emit(
        window: TimeWindow, key: [UInt8], aggregate: [UInt8], from trigger: StreamRecord, _ aggregation: Aggregation,
        at node: TopologyNode, state: TaskState, into outputs: inout [ProducerRecord]
    ) throws(ProcessingError) {
        let stored = try decodeStored(aggregate, node: node, origin: trigger.origin)
        var result = StreamRecord(key: stored.key(from: key), value: stored.value, timestamp: stored.timestamp ?? window.end, origin: trigger.origin)
        result.window = window
        result.resultID = "\(aggregation.store)/\(String(decoding: key, as: UTF8.self))/\(window.start)"
        try forward(result, from: node.id, state: state, into: &outputs)
    }

    /// Whether some multiple of `alignment` lies in `from..<to`: time windows start only at multiples of
    /// their advance, so most stream-time steps need no scan of the store at all.
    private static func someMultiple(of alignment: Int64, from: Int64, to: Int64) -> Bool {
        guard to > from else { return false }
        let start = max(0, from)
        let first = (start + alignment - 1) / alignment * alignment
        return first < to
    }

    /// Deletes the entries whose leading time fell out of retention since `previous` stream time.
    private func expire(
        _ store: KeyValueStore, startingBefore bound: (Int64?) -> Int64, startsEvery alignment: Int64 = 1, previous: Int64?, now: Int64,
        node: TopologyNode, origin: RecordOrigin
    ) throws(ProcessingError) {
        guard previous != now else { return }
        let from = bound(previous)
        let to = bound(now)
        guard Self.someMultiple(of: alignment, from: from, to: to) else { return }
        for entry in try entries(of: store, in: WindowStoreLayout.timeRange(from: from, to: to), node: node, origin: origin) {
            store.delete(entry.key)
        }
    }

    private func late(_ record: StreamRecord, _ aggregation: Aggregation, at node: TopologyNode) throws(ProcessingError) {
        statistics[node.id].recordLate()
        if aggregation.lateRecords == .deadLetter {
            throw ProcessingError(kind: .lateRecord, message: "event time \(record.timestamp) is after every window it belongs to closed", node: node.name, origin: record.origin)
        }
    }
}
