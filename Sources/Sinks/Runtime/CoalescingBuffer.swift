import StreamCore

/// The records a sink has read but not yet settled, coalesced by key, and the offsets it may commit.
///
/// - A newer record of a key is merged into the older one while it waits (its fields win, the older
///   record's other fields stay): one busy customer is one write, not one per event, and the write
///   sets what applying the records one by one would. The older record's offset stays unsettled
///   until the merged one is settled.
/// - A key is in at most one batch at a time, so a retried record can never overwrite a newer one:
///   a record coming back for retry is coalesced with anything newer that arrived meanwhile.
/// - The committable offset of a partition is its oldest unsettled offset (or, with none, one past
///   the last record read): a crash replays every record that was not settled, never skips one.
struct CoalescingBuffer {
    /// A record waiting or in flight, with every offset coalesced into it.
    struct Entry {
        var record: SinkRecord
        var positions: [TopicPartition: [Int64]]
        /// Monotonic arrival order of the record that is the entry's latest.
        var sequence: Int
    }

    private var waiting: [String: Entry] = [:]
    private var inFlight: Set<String> = []
    /// Keys of waiting entries in the order to send them; may hold keys no longer waiting.
    private var queue: [String] = []
    private var queueHead = 0
    private var unsettled: [TopicPartition: [Int64: Int]] = [:]
    private var nextToRead: [TopicPartition: Int64] = [:]
    private var nextSequence = 0
    /// When the oldest waiting record arrived, for lingering.
    private(set) var waitingSince: ContinuousClock.Instant?

    /// Records waiting to be sent (not in flight).
    var waitingCount: Int { waiting.count }

    mutating func add(_ record: SinkRecord, now: ContinuousClock.Instant) {
        let partition = record.source.topicPartition
        unsettled[partition, default: [:]][record.source.offset, default: 0] += 1
        nextToRead[partition] = record.source.offset + 1
        // Records without a key never replace each other: each gets a key of its own.
        let key = record.coalescingKey.map { "k:" + $0 } ?? "o:\(partition.topic)/\(partition.partition)/\(record.source.offset)"
        let sequence = nextSequence
        nextSequence += 1
        if var entry = waiting[key] {
            entry.record = Self.merging(record, over: entry.record)
            entry.positions[partition, default: []].append(record.source.offset)
            entry.sequence = sequence
            waiting[key] = entry
        } else {
            waiting[key] = Entry(record: record, positions: [partition: [record.source.offset]], sequence: sequence)
            queue.append(key)
        }
        if waitingSince == nil { waitingSince = now }
    }

    /// Notes a record that settled without waiting (it went straight to the dead-letter topic).
    mutating func noteSettled(_ record: ConsumerRecord) {
        nextToRead[record.topicPartition] = record.offset + 1
    }

    /// Takes up to `limit` waiting records whose keys are not in flight, oldest first.
    mutating func takeBatch(limit: Int) -> [(key: String, entry: Entry)] {
        var batch: [(key: String, entry: Entry)] = []
        var skipped: [String] = []
        while batch.count < limit, queueHead < queue.count {
            let key = queue[queueHead]
            queueHead += 1
            guard let entry = waiting[key] else { continue }
            if inFlight.contains(key) {
                skipped.append(key)
                continue
            }
            waiting[key] = nil
            inFlight.insert(key)
            batch.append((key, entry))
        }
        compactQueue(prepending: skipped)
        if waiting.isEmpty { waitingSince = nil }
        return batch
    }

    /// Settles a sent entry: its offsets may be committed.
    mutating func settle(key: String, entry: Entry) {
        inFlight.remove(key)
        for (partition, offsets) in entry.positions {
            for offset in offsets { release(partition, offset) }
        }
    }

    /// Puts a sent entry back to be sent again, merged with a newer record of its key if one arrived:
    /// the newer record's fields win, the older offsets stay unsettled until it is settled.
    mutating func requeue(key: String, entry: Entry, now: ContinuousClock.Instant) {
        inFlight.remove(key)
        let live = entry.positions.filter { nextToRead[$0.key] != nil }
        guard !live.isEmpty else { return }
        if var newer = waiting[key] {
            newer.record = Self.merging(newer.record, over: entry.record)
            for (partition, offsets) in live { newer.positions[partition, default: []] += offsets }
            waiting[key] = newer
        } else {
            waiting[key] = Entry(record: entry.record, positions: live, sequence: entry.sequence)
            compactQueue(prepending: [key])
        }
        if waitingSince == nil { waitingSince = now }
    }

    /// Forgets everything of `partitions` (revoked: their next owner re-reads from the committed offset).
    mutating func forget(_ partitions: Set<TopicPartition>) {
        for partition in partitions {
            unsettled[partition] = nil
            nextToRead[partition] = nil
        }
        waiting = waiting.filter { !partitions.contains($0.value.record.source.topicPartition) }
        if waiting.isEmpty { waitingSince = nil }
    }

    /// Per partition read from, the offset to commit: the oldest unsettled one, else the next to read.
    var committableOffsets: [TopicPartition: Int64] {
        nextToRead.reduce(into: [:]) { result, element in
            let oldest = unsettled[element.key]?.keys.min()
            result[element.key] = oldest ?? element.value
        }
    }

    /// `newer` with the fields of `older` it does not set; a body that is not an object replaces.
    private static func merging(_ newer: SinkRecord, over older: SinkRecord) -> SinkRecord {
        guard case .object(var fields) = older.body, case .object(let newerFields) = newer.body else { return newer }
        for (name, value) in newerFields { fields[name] = value }
        var merged = newer
        merged.body = .object(fields)
        return merged
    }

    private mutating func release(_ partition: TopicPartition, _ offset: Int64) {
        guard let count = unsettled[partition]?[offset] else { return }
        unsettled[partition]?[offset] = count > 1 ? count - 1 : nil
    }

    private mutating func compactQueue(prepending keys: [String]) {
        queue = keys + queue[queueHead...]
        queueHead = 0
    }
}
