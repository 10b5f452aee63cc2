import Dispatch
import Synchronization

/// Writes restored changelog records into their stores' databases on other threads, while the restore
/// consumer fetches the next ones (``ChangelogRestorer``). Each changelog has a serial queue, so its
/// batches land in changelog order; different stores' batches run side by side, as their databases
/// are independent. A restore spent about half its time in RocksDB's writes, on the polling thread.
final class ChangelogWriters: Sendable {
    private let queues: [TopicPartition: DispatchQueue]
    private let pending = DispatchGroup()
    /// Data records applied per changelog since the last ``waitForWrites()``, and the first failure.
    private let outcome = Mutex<(applied: [TopicPartition: Int], failure: RocksDBError?)>(([:], nil))

    init(changelogs: some Sequence<TopicPartition>) {
        queues = Dictionary(uniqueKeysWithValues: changelogs.map { changelog in
            (changelog, DispatchQueue(label: "tributary.restore.\(changelog)", target: .global()))
        })
    }

    /// Hands `records` of `store`'s changelog over to be applied (``KeyValueStore/applyChangelog(_:through:)``),
    /// after the records handed over before for it. A write after a failure is skipped: the restore fails.
    func write(_ records: ArraySlice<ConsumerRecord>, through nextOffset: Int64, to store: KeyValueStore) {
        let (changelog, database) = (store.changelog, store.database)
        queues[changelog]!.async(group: pending) { [self] in
            guard outcome.withLock({ $0.failure == nil }) else { return }
            do throws(RocksDBError) {
                let applied = try KeyValueStore.applyChangelog(records, through: nextOffset, to: database)
                outcome.withLock { $0.applied[changelog, default: 0] += applied }
            } catch {
                outcome.withLock { $0.failure = $0.failure ?? error }
            }
        }
    }

    /// Waits until every write handed over so far is done, and returns how many data records each
    /// changelog applied since the last call.
    ///
    /// - Throws: the first ``RocksDBError`` a write gave; the writes handed over after it were skipped.
    func waitForWrites() throws(RocksDBError) -> [TopicPartition: Int] {
        pending.wait()
        let (applied, failure) = outcome.withLock { outcome in
            defer { outcome.applied = [:] }
            return (outcome.applied, outcome.failure)
        }
        if let failure { throw failure }
        return applied
    }
}
