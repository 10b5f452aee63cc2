/// `deduplicate`: the first copy of each id passes, wherever in event time it falls; the copies that
/// follow while the id is remembered are dropped.
extension RecordProcessor {
    /// Whether `record` is the first copy of its id (or has no id), remembering the id if so.
    func isFirstCopy(_ record: StreamRecord, _ deduplication: Deduplication, at node: TopologyNode, state: TaskState) throws(ProcessingError) -> Bool {
        let now = observeStreamTime(of: record, at: node, state: state).now
        let store = state.store(deduplication.store)
        try expireEntries(of: store, livingFor: deduplication.within, at: node, now: now, state: state, origin: record.origin)
        let id = try run(node, origin: record.origin) { try deduplication.identifier(record) }
        guard !id.isNull else { return true }
        let key = StoreKeyCodec.encode(id)
        if let seen = try storedValue(at: key, in: store, node: node, origin: record.origin), let firstSeen = seen.timestamp,
           firstSeen >= now - deduplication.within {
            return false
        }
        // Remembered from the stream time of its arrival, not its event time: a late first copy is
        // remembered as long as any other.
        store.put(key, StoredValue(value: .null, timestamp: now, key: id).bytes)
        return true
    }
}
