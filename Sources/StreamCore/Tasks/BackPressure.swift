/// Which tasks have their input partitions paused so that fetched records do not pile up in memory:
/// a task whose buffer of fetched, unprocessed records exceeds the bound in bytes (until it drains to
/// half of it), and every task while the producer's queue is full (until it has drained to half of
/// what it held then). Paused partitions are not fetched, and librdkafka drops what it prefetched for them;
/// the consumer resumes each from the record after the last one handed out.
///
/// Decisions only: the stream thread performs the returned pauses and resumes.
struct BackPressure {
    /// Buffered bytes (``PartitionGroup/bufferedBytes``) above which a task's partitions are paused.
    let maxBufferedBytes: Int
    /// Tasks whose partitions are paused now.
    private(set) var paused: Set<TaskID> = []
    private var overBound: Set<TaskID> = []
    /// The producer's queue length when it was found full; `nil` while it has room.
    private var producerBacklog: Int?

    init(maxBufferedBytes: Int) {
        self.maxBufferedBytes = maxBufferedBytes
    }

    /// Records the producer's queue being full with `queuedRecords` records: every task pauses.
    mutating func producerFull(queuedRecords: Int) {
        producerBacklog = max(producerBacklog ?? 0, queuedRecords)
    }

    /// Re-evaluates every task assigned here from its buffered bytes and the producer's queue length.
    ///
    /// - Returns: the tasks to pause and the tasks to resume now.
    mutating func update(bufferedBytes buffered: [TaskID: Int], producerQueuedRecords: Int) -> (pause: Set<TaskID>, resume: Set<TaskID>) {
        for (task, count) in buffered {
            if count > maxBufferedBytes {
                overBound.insert(task)
            } else if count <= maxBufferedBytes / 2 {
                overBound.remove(task)
            }
        }
        overBound.formIntersection(buffered.keys)
        if let backlog = producerBacklog, producerQueuedRecords <= backlog / 2 { producerBacklog = nil }
        let wanted = producerBacklog == nil ? overBound : Set(buffered.keys)
        let changes = (pause: wanted.subtracting(paused), resume: paused.subtracting(wanted))
        paused = wanted
        return changes
    }

    /// Forgets `tasks` after a rebalance: their partitions arrive unpaused, and are paused again by the
    /// next ``update(bufferedBytes:producerQueuedRecords:)`` if they still should be.
    mutating func forget(_ tasks: Set<TaskID>) {
        paused.subtract(tasks)
        overBound.subtract(tasks)
    }
}
