/// The records a task has fetched but not processed, per input partition, and the choice of which to
/// process next (Kafka Streams' `PartitionGroup`): the record with the smallest timestamp among the
/// partitions that have data, so that joins and timers do not depend on fetch timing.
///
/// A record is read (`stamp`: its event time, and what processing it needs — decoded) once, when it
/// becomes the next of its partition, as Kafka Streams' `RecordQueue` deserializes only its head: each
/// record is decoded once, and only one decoded record per partition waits in memory.
///
/// While some of the task's partitions have nothing buffered, the task waits — at most `maxIdle`
/// since it started waiting — for them to catch up; then it goes on with what it has. Each
/// partition's own records always stay in offset order.
struct PartitionGroup<Stamped> {
    /// Reads a record that has become the next of its partition: the timestamp it is processed at, and
    /// what ``take()`` hands out for it.
    typealias Stamp = (ConsumerRecord) -> (timestamp: Int64, stamped: Stamped)

    /// The task's input partitions currently assigned here.
    private(set) var partitions: Set<TopicPartition>
    private let stamp: Stamp
    private var queues: [TopicPartition: [ConsumerRecord]] = [:]
    private var heads: [TopicPartition: Int] = [:]
    /// Each partition's next record, read.
    private var stampedHeads: [TopicPartition: (timestamp: Int64, stamped: Stamped)] = [:]
    private var waitingSince: ContinuousClock.Instant?

    init(partitions: Set<TopicPartition>, stamp: @escaping Stamp) {
        self.partitions = partitions
        self.stamp = stamp
    }

    var isEmpty: Bool { queues.keys.allSatisfy { count(in: $0) == 0 } }

    /// Records buffered and not yet handed out, over all partitions.
    var count: Int { queues.keys.reduce(0) { $0 + count(in: $1) } }

    /// Buffers `record` behind its partition's others.
    mutating func add(_ record: ConsumerRecord) {
        queues[record.topicPartition, default: []].append(record)
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
        return stampedHeads[chosen(among: ready)]!.timestamp
    }

    /// Hands out the record the last ``peek(now:maxIdle:)`` named, as read.
    ///
    /// - Precondition: that peek returned a timestamp, and nothing was added or assigned since.
    mutating func take() -> Stamped {
        let chosen = chosen(among: partitions.filter { count(in: $0) > 0 })
        let stamped = stampedHeads.removeValue(forKey: chosen)!.stamped
        heads[chosen, default: 0] += 1
        if heads[chosen] == queues[chosen]?.count {
            queues[chosen] = []
            heads[chosen] = 0
        }
        return stamped
    }

    /// The partitions assigned here with nothing buffered.
    var emptyPartitions: [TopicPartition] { partitions.filter { count(in: $0) == 0 } }

    /// The partition whose head has the smallest timestamp, reading the heads not read yet; ties go to
    /// the partition that sorts first, so the choice is deterministic.
    private mutating func chosen(among ready: Set<TopicPartition>) -> TopicPartition {
        for partition in ready where stampedHeads[partition] == nil {
            stampedHeads[partition] = stamp(queues[partition]![heads[partition] ?? 0])
        }
        return ready.min { lhs, rhs in
            let (left, right) = (stampedHeads[lhs]!.timestamp, stampedHeads[rhs]!.timestamp)
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
            stampedHeads[partition] = nil
        }
    }

    private func count(in partition: TopicPartition) -> Int {
        (queues[partition]?.count ?? 0) - (heads[partition] ?? 0)
    }
}
