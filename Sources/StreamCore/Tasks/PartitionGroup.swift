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
///
/// A class, owned by its stream thread: the thread asks every task of a sub-topology for its next
/// timestamp before each record, and a value type in a dictionary would be copied on those paths.
final class PartitionGroup<Stamped> {
    /// Reads a record that has become the next of its partition: the timestamp it is processed at, and
    /// what ``take()`` hands out for it.
    typealias Stamp = (ConsumerRecord) -> (timestamp: Int64, stamped: Stamped)

    /// One assigned partition's buffered records, and its next record once read.
    private struct PartitionQueue {
        let partition: TopicPartition
        var records: [ConsumerRecord] = []
        /// Index of the next record in `records`; the records before it were handed out.
        var head = 0
        /// ``PartitionGroup/bufferedBytes(of:)`` of the records not handed out.
        var bytes = 0
        /// The next record, once read: its timestamp, kept apart so that comparing heads copies nothing.
        var headTimestamp: Int64?
        var headStamped: Stamped?

        var count: Int { records.count - head }

        /// Drops the records handed out once they are at least half of `records` (and a few), so that
        /// a partition that never runs dry — fetching keeps pace with processing, or the thread stops
        /// between records to wait for another partition — does not keep every record it ever handed
        /// out. Each compaction moves at most as many records as it drops: amortised O(1) per record.
        mutating func dropHandedOut() {
            // Below 64 handed-out records, moving a few often would cost more than it frees.
            guard head >= 64, head * 2 >= records.count else { return }
            records.removeFirst(head)
            head = 0
        }
    }

    private let stamp: Stamp
    /// Sorted by topic, then partition number: ties in timestamp go to the first.
    private var queues: [PartitionQueue]
    private var waitingSince: ContinuousClock.Instant?
    /// The queue the last ``peek(now:maxIdle:)`` chose, until a record is added, taken or reassigned.
    private var chosen: Int?

    init(partitions: Set<TopicPartition>, stamp: @escaping Stamp) {
        self.stamp = stamp
        queues = Self.queues(for: partitions)
    }

    var isEmpty: Bool { queues.allSatisfy { $0.count == 0 } }

    /// Records buffered and not yet handed out, over all partitions.
    var count: Int { queues.reduce(0) { $0 + $1.count } }

    /// Records held in memory, handed out or not: what ``count`` is plus the handed-out records not
    /// dropped yet (at most as many again, and a few).
    var heldCount: Int { queues.reduce(0) { $0 + $1.records.count } }

    /// The memory the buffered records take, estimated (``bufferedBytes(of:)``): what back-pressure bounds.
    private(set) var bufferedBytes = 0

    /// A buffered record's keys, values and headers, and a fixed allowance for the record itself
    /// (its fields, its topic and the arrays' headers).
    static func bufferedBytes(of record: ConsumerRecord) -> Int {
        var bytes = 160 + (record.key?.count ?? 0) + (record.value?.count ?? 0)
        for header in record.headers { bytes += header.name.utf8.count + (header.value?.count ?? 0) }
        return bytes
    }

    /// The partitions assigned here with nothing buffered.
    var emptyPartitions: [TopicPartition] { queues.filter { $0.count == 0 }.map(\.partition) }

    /// The partitions assigned here with records buffered, and what their records take (as
    /// ``bufferedBytes``).
    var bufferedBytesByPartition: [(partition: TopicPartition, bytes: Int)] {
        queues.filter { $0.count > 0 }.map { ($0.partition, $0.bytes) }
    }

    /// Buffers `record` behind its partition's others. A record of a partition not assigned here is
    /// ignored: the partition's owner reads it.
    func add(_ record: ConsumerRecord) {
        guard let index = queues.firstIndex(where: { $0.partition.partition == record.partition && $0.partition.topic == record.topic }) else { return }
        let bytes = Self.bufferedBytes(of: record)
        queues[index].records.append(record)
        queues[index].bytes += bytes
        bufferedBytes += bytes
        chosen = nil
    }

    /// The timestamp of the next record to process, without handing it out (``take()`` does); `nil` when
    /// there is none or the task should wait for a partition without data (for at most `maxIdle` from
    /// when it began waiting, measured with `now`).
    func peek(now: ContinuousClock.Instant, maxIdle: Duration) -> Int64? {
        var ready = 0
        for index in queues.indices where queues[index].count > 0 { ready += 1 }
        guard ready > 0 else {
            waitingSince = nil
            return nil
        }
        if ready < queues.count {
            let since = waitingSince ?? now
            waitingSince = since
            guard now - since >= maxIdle else { return nil }
        } else {
            waitingSince = nil
        }
        let index = chosen ?? choose()
        chosen = index
        return queues[index].headTimestamp!
    }

    /// Hands out the record the last ``peek(now:maxIdle:)`` named, as read, and the partition it came
    /// from if that has now nothing buffered.
    ///
    /// - Precondition: that peek returned a timestamp, and nothing was added or assigned since.
    func take() -> (stamped: Stamped, emptied: TopicPartition?) {
        let index = chosen!
        chosen = nil
        let stamped = queues[index].headStamped.take()!
        queues[index].headTimestamp = nil
        let bytes = Self.bufferedBytes(of: queues[index].records[queues[index].head])
        queues[index].bytes -= bytes
        bufferedBytes -= bytes
        queues[index].head += 1
        guard queues[index].count == 0 else {
            queues[index].dropHandedOut()
            return (stamped, nil)
        }
        // Not keeping the capacity: a queue that once held a large backlog would hold its size for good.
        queues[index].records.removeAll()
        queues[index].head = 0
        return (stamped, queues[index].partition)
    }

    /// Changes the assigned partitions; buffered records of partitions no longer assigned are dropped
    /// (their next owner reads them again from the committed offset).
    func assign(_ assigned: Set<TopicPartition>) {
        let kept = Dictionary(uniqueKeysWithValues: queues.filter { assigned.contains($0.partition) }.map { ($0.partition, $0) })
        queues = Self.queues(for: assigned).map { kept[$0.partition] ?? $0 }
        bufferedBytes = queues.reduce(0) { $0 + $1.bytes }
        chosen = nil
    }

    /// The queue whose head has the smallest timestamp, reading the heads not read yet; ties go to the
    /// queue that sorts first, so the choice is deterministic.
    private func choose() -> Int {
        var best: (index: Int, timestamp: Int64)?
        for index in queues.indices where queues[index].count > 0 {
            let timestamp: Int64
            if let read = queues[index].headTimestamp {
                timestamp = read
            } else {
                let (read, stamped) = stamp(queues[index].records[queues[index].head])
                queues[index].headTimestamp = read
                queues[index].headStamped = stamped
                timestamp = read
            }
            if best == nil || timestamp < best!.timestamp { best = (index, timestamp) }
        }
        return best!.index
    }

    private static func queues(for partitions: Set<TopicPartition>) -> [PartitionQueue] {
        partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map { PartitionQueue(partition: $0) }
    }
}
