/// The records a task has fetched but not processed, per input partition, and the choice of which to
/// process next (Kafka Streams' `PartitionGroup`): the record with the smallest timestamp among the
/// partitions that have data, so that joins and timers do not depend on fetch timing.
///
/// While some of the task's partitions have nothing buffered, the task waits — at most `maxIdle`
/// since it started waiting — for them to catch up; then it goes on with what it has. Each
/// partition's own records always stay in offset order.
struct PartitionGroup {
    private struct Buffered {
        var record: ConsumerRecord
        var timestamp: Int64
    }

    /// The task's input partitions currently assigned here.
    private(set) var partitions: Set<TopicPartition>
    private var queues: [TopicPartition: [Buffered]] = [:]
    private var heads: [TopicPartition: Int] = [:]
    private var waitingSince: ContinuousClock.Instant?

    init(partitions: Set<TopicPartition>) {
        self.partitions = partitions
    }

    var isEmpty: Bool { queues.keys.allSatisfy { count(in: $0) == 0 } }

    /// Records buffered and not yet handed out, over all partitions.
    var count: Int { queues.keys.reduce(0) { $0 + count(in: $1) } }

    /// Buffers `record`, to be processed at `timestamp` (its event time).
    mutating func add(_ record: ConsumerRecord, timestamp: Int64) {
        queues[record.topicPartition, default: []].append(Buffered(record: record, timestamp: timestamp))
    }

    /// The timestamp of the next record to process, without handing it out (``take()`` does); `nil` when
    /// there is none or the task should wait for a partition without data (for at most `maxIdle` from
    /// when it began waiting, measured with `now`).
    mutating func peek(now: ContinuousClock.Instant, maxIdle: Duration) -> Int64? {
        let ready = partitions.filter { count(in: $0) > 0 }
        guard !ready.isEmpty else {
            waitingSince = nil
            return nil
        }
        if ready.count < partitions.count {
            let since = waitingSince ?? now
            waitingSince = since
            guard now - since >= maxIdle else { return nil }
        } else {
            waitingSince = nil
        }
        return head(of: chosen(among: ready)).timestamp
    }

    /// Hands out the record the last ``peek(now:maxIdle:)`` named.
    ///
    /// - Precondition: that peek returned a timestamp, and nothing was added or assigned since.
    mutating func take() -> ConsumerRecord {
        let chosen = chosen(among: partitions.filter { count(in: $0) > 0 })
        let record = head(of: chosen).record
        heads[chosen, default: 0] += 1
        if heads[chosen] == queues[chosen]?.count {
            queues[chosen] = []
            heads[chosen] = 0
        }
        return record
    }

    /// The partitions assigned here with nothing buffered.
    var emptyPartitions: [TopicPartition] { partitions.filter { count(in: $0) == 0 } }

    /// The partition whose head has the smallest timestamp; ties go to the partition that sorts first,
    /// so the choice is deterministic.
    private func chosen(among ready: Set<TopicPartition>) -> TopicPartition {
        ready.min { lhs, rhs in
            let (left, right) = (head(of: lhs).timestamp, head(of: rhs).timestamp)
            return left != right ? left < right : (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
        }!
    }

    /// Changes the assigned partitions; buffered records of partitions no longer assigned are dropped
    /// (their next owner reads them again from the committed offset).
    mutating func assign(_ assigned: Set<TopicPartition>) {
        partitions = assigned
        for partition in queues.keys where !assigned.contains(partition) {
            queues[partition] = nil
            heads[partition] = nil
        }
    }

    private func count(in partition: TopicPartition) -> Int {
        (queues[partition]?.count ?? 0) - (heads[partition] ?? 0)
    }

    private func head(of partition: TopicPartition) -> Buffered {
        queues[partition]![heads[partition] ?? 0]
    }
}
