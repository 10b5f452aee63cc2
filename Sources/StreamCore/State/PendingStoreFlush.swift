/// A store flush whose changelog records are enqueued and whose local write waits for them to be
/// acknowledged — or, under exactly-once, for their transaction to commit.
struct PendingStoreFlush {
    /// The store's entries as they were sent, in key order (`nil` is a delete).
    let entries: [(key: [UInt8], value: [UInt8]?)]
    /// What the entries reflect.
    let checkpoint: TaskCheckpoint
    /// A lineage sent with the entries, if the store had none recorded.
    let lineage: StoreLineage?
    /// The changelog records' delivery reports.
    let acknowledgements = DeliveryResults()
}
