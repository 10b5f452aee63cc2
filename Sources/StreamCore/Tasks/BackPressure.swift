/// Which input partitions a stream thread pauses so that fetched records do not pile up in memory.
///
/// - Once the thread's buffered records take more than the bound in bytes, each partition holding more
///   than its low-water mark (the bound shared among the assigned partitions, halved) is paused, until
///   the buffer has drained to half of the bound.
/// - Meanwhile a paused partition whose records drain to its low-water mark resumes. It then holds
///   little, and a task may be about to wait for its records to keep event-time order
///   (``StreamThread``'s ordering wait): fetching it again before it runs dry keeps that wait short.
/// - Every partition is paused while the producer's queue is full, until it has drained to half of what
///   it held then.
///
/// Paused partitions are not fetched, and librdkafka drops what it prefetched for them; the consumer
/// resumes each from the record after the last one handed out.
///
/// One bound in bytes for the thread, where Kafka Streams bounds each partition's count
/// (`buffered.records.per.partition`): a bound per partition or per task has to allow at least a poll's
/// worth of records each, and with many tasks (96 partitions and a repartition topic make 192) those
/// floors alone were far above the budget's share (docs/DSL.md, "Differences from Kafka Streams").
///
/// Decisions only: the stream thread performs the returned pauses and resumes.
struct BackPressure {
    /// Buffered bytes (``PartitionGroup/bufferedBytes``, over all of the thread's tasks) above which
    /// partitions are paused.
    let maxBufferedBytes: Int
    /// Partitions paused now.
    private(set) var paused: Set<TopicPartition> = []
    /// Whether the buffer went over the bound and has not drained to half of it since.
    private var overBound = false
    /// The producer's queue length when it was found full; `nil` while it has room.
    private var producerBacklog: Int?

    init(maxBufferedBytes: Int) {
        self.maxBufferedBytes = maxBufferedBytes
    }

    /// Records the producer's queue being full with `queuedRecords` records: every partition pauses.
    mutating func producerFull(queuedRecords: Int) {
        producerBacklog = max(producerBacklog ?? 0, queuedRecords)
    }

    /// Re-evaluates the thread's partitions.
    ///
    /// - Parameters:
    ///   - buffered: what each assigned partition's buffered records take; partitions without records
    ///     may be left out.
    ///   - assigned: every partition assigned to the thread.
    ///   - producerQueuedRecords: the producer queue's length now.
    /// - Returns: the partitions to pause and the partitions to resume now.
    mutating func update(
        buffered: [TopicPartition: Int], assigned: Set<TopicPartition>, producerQueuedRecords: Int
    ) -> (pause: Set<TopicPartition>, resume: Set<TopicPartition>) {
        let total = buffered.values.reduce(0, +)
        if total > maxBufferedBytes {
            overBound = true
        } else if total <= maxBufferedBytes / 2 {
            overBound = false
        }
        if let backlog = producerBacklog, producerQueuedRecords <= backlog / 2 { producerBacklog = nil }
        let lowWater = maxBufferedBytes / max(assigned.count, 1) / 2
        let wanted: Set<TopicPartition> = if producerBacklog != nil {
            assigned
        } else if overBound {
            Set(buffered.filter { $0.value > lowWater }.keys).intersection(assigned)
        } else {
            []
        }
        let changes = (pause: wanted.subtracting(paused), resume: paused.subtracting(wanted))
        paused = wanted
        return changes
    }

    /// Forgets `partitions` after a rebalance: they arrive unpaused, and are paused again by the next
    /// ``update(buffered:assigned:producerQueuedRecords:)`` if they still should be.
    mutating func forget(_ partitions: Set<TopicPartition>) {
        paused.subtract(partitions)
    }
}
