import Metrics

/// The gauges and timers a stream thread exports, refreshed at every commit: consumer lag per input
/// partition, entries per store and task, and how long commits take; after every poll, the bytes of
/// fetched records the thread holds; and, as they happen, partitions paused for back-pressure.
struct StreamThreadMetrics {
    private let application: String
    private let commitTimer: Metrics.Timer
    private let backPressurePauses: Counter
    private let bufferedBytes: Gauge
    private var lagGauges: [TopicPartition: Gauge] = [:]
    private var storeGauges: [String: Gauge] = [:]

    init(application: String, thread: String) {
        self.application = application
        commitTimer = Metrics.Timer(label: "tributary_commit_seconds", dimensions: [("application", application)])
        backPressurePauses = Counter(label: "tributary_back_pressure_pauses_total", dimensions: [("application", application)])
        bufferedBytes = Gauge(label: "tributary_buffered_bytes", dimensions: [("application", application), ("thread", thread)])
    }

    /// The bytes of fetched records the thread holds, not yet processed (`tributary_buffered_bytes`): what
    /// the memory budget bounds per thread (``MemoryBudget/bufferedBytesPerThread``).
    func recordBufferedBytes(_ bytes: Int) {
        bufferedBytes.record(bytes)
    }

    /// Partitions just paused because the thread's buffer or the producer's queue was full.
    func recordPauses(partitions: Int) {
        backPressurePauses.increment(by: partitions)
    }

    /// Time from the start of a commit (outputs flushed, stores flushed, offsets committed) to its end.
    func recordCommit(_ duration: Duration) {
        commitTimer.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Records not yet processed per assigned input partition (`tributary_consumer_lag`).
    mutating func recordLag(_ lag: [TopicPartition: Int64]) {
        for (partition, records) in lag {
            let gauge = lagGauges[partition] ?? Gauge(label: "tributary_consumer_lag", dimensions: [
                ("application", application), ("topic", partition.topic), ("partition", String(partition.partition)),
            ])
            lagGauges[partition] = gauge
            gauge.record(records)
        }
    }

    /// RocksDB's estimate of the entries in each store of each task (`tributary_store_entries`).
    mutating func recordStoreSizes(_ tasks: some Sequence<StreamTask>) {
        for task in tasks {
            for (name, store) in task.state.stores {
                let key = "\(name)/\(task.id)"
                let gauge = storeGauges[key] ?? Gauge(label: "tributary_store_entries", dimensions: [
                    ("application", application), ("store", name), ("task", task.id.description),
                ])
                storeGauges[key] = gauge
                if let count = try? store.database.estimatedKeyCount(in: KeyValueStore.dataFamily) { gauge.record(count) }
            }
        }
    }
}
