import Testing
@testable import StreamCore

/// Which buffered record a task with several input partitions processes next.
@Suite("Partition group (time-ordered input)")
struct PartitionGroupTests {
    private let left = TopicPartition("orders", 0)
    private let right = TopicPartition("payments", 0)

    private func record(_ partition: TopicPartition, offset: Int64, at timestamp: Int64) -> ConsumerRecord {
        ConsumerRecord(topic: partition.topic, partition: partition.partition, offset: offset, key: nil, value: nil, timestamp: timestamp)
    }

    /// A group that reads each record's timestamp, and counts how often it reads one.
    private func makeGroup(_ partitions: Set<TopicPartition>, reads: Counter = Counter()) -> PartitionGroup<ConsumerRecord> {
        PartitionGroup(partitions: partitions) { record in
            reads.count += 1
            return (record.timestamp, record)
        }
    }

    final class Counter {
        var count = 0
    }

    private func drain(_ group: PartitionGroup<ConsumerRecord>, at now: ContinuousClock.Instant, maxIdle: Duration = .zero) -> [String] {
        var order: [String] = []
        while let next = group.next(now: now, maxIdle: maxIdle) { order.append("\(next.topic)@\(next.offset)") }
        return order
    }

    @Test func theSmallestTimestampAmongPartitionsWithDataGoesFirstAndEachPartitionKeepsItsOrder() {
        let group = makeGroup([left, right])
        group.add(record(left, offset: 0, at: 10))
        group.add(record(left, offset: 1, at: 5))      // out of order within its partition: stays second
        group.add(record(left, offset: 2, at: 40))
        group.add(record(right, offset: 0, at: 20))
        group.add(record(right, offset: 1, at: 30))
        // Once `right` runs dry only `left` has data: with no idle time allowed it goes on alone.
        #expect(drain(group, at: .now) == ["orders@0", "orders@1", "payments@0", "payments@1", "orders@2"])
        #expect(group.isEmpty)
    }

    /// As Kafka Streams' RecordQueue: a record is read when it becomes its partition's next, once.
    @Test func eachRecordIsReadOnceWhenItBecomesItsPartitionsNext() {
        let reads = Counter()
        let group = makeGroup([left, right], reads: reads)
        for offset in 0..<5 { group.add(record(left, offset: Int64(offset), at: Int64(offset))) }
        group.add(record(right, offset: 0, at: 100))
        #expect(reads.count == 0, "nothing is read as it is buffered")
        #expect(group.peek(now: .now, maxIdle: .zero) == 0)
        #expect(reads.count == 2, "the two heads")
        #expect(drain(group, at: .now).count == 6)
        #expect(reads.count == 6, "every record once, peeks and takes alike")
    }

    /// Kafka Streams' PartitionGroupTest#testTimeTracking (its timestamp extractor uses each record's
    /// offset as its timestamp): the head with the smallest timestamp goes first, records added later
    /// queue behind their partition's others, and a partition's out-of-order records keep their place.
    @Test func partitionGroupTestTimeTracking() {
        let partition1 = TopicPartition("topic", 1)
        let partition2 = TopicPartition("topic", 2)
        let group = makeGroup([partition1, partition2])
        var offsets: [TopicPartition: Int64] = [:]
        func add(_ partition: TopicPartition, _ timestamps: [Int64]) {
            for timestamp in timestamps {
                group.add(record(partition, offset: offsets[partition, default: 0], at: timestamp))
                offsets[partition, default: 0] += 1
            }
        }
        func next() -> String? { group.next(now: .now, maxIdle: .zero).map { "\($0.partition):\($0.timestamp)" } }
        // testFirstBatch
        add(partition1, [1, 3, 5])
        add(partition2, [2, 4, 6])
        #expect(group.count == 6)
        #expect([next(), next()] == ["1:1", "2:2"])
        #expect(group.count == 4)
        // testSecondBatch
        add(partition1, [2, 4])
        #expect(group.count == 6)
        #expect([next(), next(), next(), next(), next(), next()] == ["1:3", "2:4", "1:5", "1:2", "1:4", "2:6"])
        #expect(group.count == 0 && group.isEmpty)
        #expect(next() == nil)
    }

    /// The stream thread waits for a partition that ran dry while it may have more: `take` says when
    /// the record it hands out was its partition's last buffered one.
    @Test func takeNamesThePartitionItLeftEmpty() {
        let group = makeGroup([left, right])
        group.add(record(left, offset: 0, at: 1))
        group.add(record(left, offset: 1, at: 2))
        group.add(record(right, offset: 0, at: 3))
        var emptied: [TopicPartition?] = []
        while group.peek(now: .now, maxIdle: .zero) != nil { emptied.append(group.take().emptied) }
        #expect(emptied == [nil, left, right])
        #expect(group.emptyPartitions.sorted { $0.topic < $1.topic } == [left, right])
    }

    /// Kafka Streams throws on records of a partition the group does not hold
    /// (PartitionGroupTest#shouldThrowIllegalStateExceptionUponAddRecordsIfPartitionUnknown); here the
    /// stream thread may still hold records fetched before a rebalance took the partition away, and
    /// they are dropped: the partition's new owner reads them from the committed offset.
    @Test func recordsOfAPartitionNotAssignedAreDropped() {
        let group = makeGroup([left])
        group.add(record(right, offset: 0, at: 1))
        #expect(group.isEmpty && group.count == 0)
    }

    /// Back-pressure bounds what a task holds in bytes: every buffered record counts until handed out
    /// or dropped with its partition.
    @Test func bufferedBytesFollowWhatIsHeld() {
        let group = makeGroup([left, right])
        let small = ConsumerRecord(topic: left.topic, partition: left.partition, offset: 0, key: [1, 2], value: Array(repeating: 0, count: 100), timestamp: 1)
        let large = ConsumerRecord(topic: right.topic, partition: right.partition, offset: 0, key: nil, value: Array(repeating: 0, count: 1000),
                                   headers: [KafkaHeader("h", [1, 2, 3])], timestamp: 2)
        group.add(small)
        group.add(large)
        let smallBytes: Int = PartitionGroup<ConsumerRecord>.bufferedBytes(of: small)
        let largeBytes: Int = PartitionGroup<ConsumerRecord>.bufferedBytes(of: large)
        #expect(largeBytes - smallBytes == 902, "1,000 value bytes and a 4-byte header against 102 key and value bytes")
        #expect(group.bufferedBytes == smallBytes + largeBytes)
        #expect(group.next(now: .now, maxIdle: .zero)?.offset == 0)
        #expect(group.bufferedBytes == largeBytes)
        group.assign([left])
        #expect(group.bufferedBytes == 0)
    }

    /// A partition whose fetching keeps pace with processing never runs dry; the records it handed out
    /// must still be let go (they held every record's key and value until the partition emptied, and a
    /// 1,000,000-event run under a 128 MiB budget peaked at 1 GiB: BENCHMARKS.md, "Memory").
    @Test func recordsHandedOutAreLetGoWhileThePartitionNeverRunsDry() {
        let group = makeGroup([left])
        group.add(record(left, offset: 0, at: 0))
        var taken: [Int64] = []
        var mostHeld = 0
        for offset in 1...10_000 {
            group.add(record(left, offset: Int64(offset), at: Int64(offset)))
            taken.append(group.next(now: .now, maxIdle: .zero)!.offset)
            mostHeld = max(mostHeld, group.heldCount)
        }
        #expect(taken == Array(0..<10_000), "offset order across the drops")
        #expect(group.count == 1)
        #expect(mostHeld <= 2 * 64, "at most as many handed out as a few, or as buffered: held \(mostHeld)")
    }

    @Test func equalTimestampsGoToThePartitionThatSortsFirst() {
        let group = makeGroup([left, right])
        group.add(record(right, offset: 0, at: 7))
        group.add(record(left, offset: 0, at: 7))
        #expect(drain(group, at: .now) == ["orders@0", "payments@0"])
    }

    @Test func aTaskWaitsForAnEmptyPartitionAtMostMaxIdle() {
        let group = makeGroup([left, right])
        group.add(record(left, offset: 0, at: 100))
        let start = ContinuousClock.now
        #expect(group.next(now: start, maxIdle: .milliseconds(500)) == nil, "payments may still bring an earlier record")
        #expect(group.next(now: start + .milliseconds(499), maxIdle: .milliseconds(500)) == nil)
        group.add(record(right, offset: 0, at: 50))
        #expect(drain(group, at: start + .milliseconds(499), maxIdle: .milliseconds(500)) == ["payments@0"], "it did: processed first")
        // `orders@0` waits again for payments, from the moment payments ran dry.
        let dry = start + .milliseconds(499)
        #expect(group.next(now: dry + .milliseconds(499), maxIdle: .milliseconds(500)) == nil)
        #expect(group.next(now: dry + .milliseconds(500), maxIdle: .milliseconds(500))?.offset == 0, "then goes on without it")
    }

    @Test func revokedPartitionsLoseTheirBufferedRecords() {
        let group = makeGroup([left, right])
        group.add(record(left, offset: 0, at: 1))
        group.add(record(right, offset: 0, at: 2))
        group.assign([right])
        #expect(drain(group, at: .now) == ["payments@0"])
        #expect(group.isEmpty)
    }
}

extension PartitionGroup {
    /// The next record to process, as the stream thread takes it: peek, then take.
    func next(now: ContinuousClock.Instant, maxIdle: Duration) -> Stamped? {
        guard peek(now: now, maxIdle: maxIdle) != nil else { return nil }
        return take().stamped
    }
}
