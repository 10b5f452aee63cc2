/// Entries with a time to live (`ttl` on an aggregation, the ids a `deduplicate` step remembers).
///
/// An entry expires once the node's stream time is more than the time to live past the entry's
/// timestamp. Lookups treat an expired entry as absent at once; the entries themselves are deleted
/// (a tombstone in the changelog, so a restore does not bring them back) by a sweep over the store
/// each time stream time has moved on by a tenth of the time to live, which bounds the store to about
/// 1.1 times what one time to live writes.
extension RecordProcessor {
    /// Sweeps `store` when the node's stream time `now` has reached its next sweep; the next sweep's
    /// time is kept in the task checkpoint with the node's stream time, so restarts keep the rhythm.
    func expireEntries(
        of store: KeyValueStore, livingFor timeToLive: Int64, at node: TopologyNode, now: Int64, state: TaskState, origin: RecordOrigin
    ) throws(ProcessingError) {
        let sweepName = "\(node.name).next-expiry-sweep"
        if let due = state.checkpoint.streamTimes[sweepName] {
            guard now >= due else { return }
            let expiredBefore = now - timeToLive
            for (key, bytes) in try entries(of: store, in: .all, node: node, origin: origin) {
                if let timestamp = try decodeStored(bytes, node: node, origin: origin).timestamp, timestamp < expiredBefore {
                    store.delete(key)
                }
            }
        }
        state.checkpoint.streamTimes[sweepName] = now + max(timeToLive / 10, 1)
    }
}
