import Logging
import Metrics

/// A member of a consumer group that hands out records and commits only what was processed.
///
/// Offsets are never committed automatically: the application marks records processed
/// (``markProcessed(_:)``) and calls ``commit()``. Before partitions are revoked in a rebalance, the
/// ``rebalanceListener`` is told (to flush state) and then the processed offsets of those partitions
/// are committed, so the next owner starts exactly after the last processed record.
///
/// - Important: Not thread-safe: one thread (the stream thread) owns a consumer and makes every call.
///   `poll` blocks for up to its timeout; rebalance callbacks run inside it.
public final class KafkaConsumer {
    /// Told about assignments, revocations and stopped partitions; held weakly.
    public weak var rebalanceListener: ConsumerRebalanceListener?

    /// Partitions that stopped consuming because of an error, with the error. They stay paused until
    /// they are revoked; the application decides whether that ends the process.
    public private(set) var stoppedPartitions: [TopicPartition: KafkaError] = [:]

    /// The partitions currently assigned to this member.
    public private(set) var assignment: Set<TopicPartition> = []

    private let configuration: KafkaConsumerConfiguration
    private let logger: Logger
    private var client: RDKafkaClient!
    /// Next offset to hand out per partition: where a resumed partition must continue.
    private var positions: [TopicPartition: Int64] = [:]
    /// Next offset to commit per partition (one past the last processed record).
    private var processed: [TopicPartition: Int64] = [:]
    private var committed: [TopicPartition: Int64] = [:]
    /// Where each partition started when it was assigned (possibly a logical offset): where a rewind
    /// goes back to while nothing is committed.
    private var assignedFrom: [TopicPartition: Int64] = [:]
    private var paused: Set<TopicPartition> = []
    /// The partition of the records ``poll(maxRecords:timeout:)`` is handing out and the offset after the
    /// last of them, not yet in ``positions``. A fetch delivers a partition's records in a run: one run is
    /// checked against the assignment and its position written once, not per record (those lookups hash
    /// the topic name). Settled before anything else reads or changes the assignment: an error, a
    /// rebalance (which runs inside librdkafka's poll), the end of the poll.
    private var handOutRun: (partition: TopicPartition, nextOffset: Int64)?
    /// Set when a commit was refused because the group is rebalancing: no record is handed out until the
    /// next assignment, so progress that cannot be committed does not grow (what the next owner re-reads).
    private var awaitingRebalance = false
    private var fatalError: KafkaError?
    private var isClosed = false
    private var isSubscribed = false
    /// Whether the member uses the cooperative protocol, as configured (a `partition.assignment.strategy`
    /// passed through in the additional properties included).
    private var isCooperative: Bool { configuration.properties["partition.assignment.strategy"]?.contains("cooperative") == true }
    /// Whether the group has handed this member an assignment yet (an empty one counts).
    private var hasBeenAssigned = false

    /// Creates the consumer; it joins the group on ``subscribe(_:)``.
    ///
    /// - Throws: ``KafkaError`` `invalidConfiguration` for a bad property.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        self.logger = logger
        // librdkafka keeps the callback for the handle's life; it reaches the consumer weakly so the
        // handle (owned by the consumer) does not keep its owner alive.
        let relay = RebalanceRelay()
        client = try RDKafkaClient(kind: .consumer, properties: configuration.properties, logger: logger) { event in
            guard let consumer = relay.consumer else { return false }
            consumer.handleRebalance(event)
            return true
        }
        relay.consumer = self
    }

    deinit {
        // Closing here could not commit (the rebalance callback no longer reaches a consumer being
        // destroyed); librdkafka still leaves the group cleanly when the handle is destroyed.
        if !isClosed { logger.warning("KafkaConsumer dropped without close(): processed offsets since the last commit are not committed") }
    }

    /// Joins the group and asks for the partitions of `topics`.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        try client.subscribe(topics)
        isSubscribed = true
    }

    /// Reads `partitions` from the given offsets without joining the group (for restoring state from a
    /// changelog): no rebalances, and nothing is ever committed for them.
    public func assign(_ partitions: [TopicPartition: Int64]) throws(KafkaError) {
        let starts = partitions.map { TopicPartitionOffset(topicPartition: $0.key, offset: $0.value) }
        try client.assign(starts)
        assignment = Set(partitions.keys)
        for start in starts { positions[start.topicPartition] = start.offset }
    }

    /// The oldest offset the broker still holds for `partition`, and the offset its next record will get.
    public func watermarks(of partition: TopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError) -> (low: Int64, high: Int64) {
        try client.watermarks(of: partition, timeout: timeout)
    }

    /// Records not yet handed out per assigned partition: the high watermark last seen in a fetch minus
    /// the next offset to hand out (partitions not fetched from yet are left out).
    public var lag: [TopicPartition: Int64] {
        var lag: [TopicPartition: Int64] = [:]
        for partition in assignment {
            guard let high = client.cachedHighWatermark(of: partition), let position = positions[partition] ?? committed[partition] else { continue }
            lag[partition] = max(0, high - position)
        }
        return lag
    }

    /// Whether `partition` may hold records not yet handed out: its high watermark as last fetched is past
    /// the next offset to hand out, or no fetch has told it yet.
    public func mayHaveMore(_ partition: TopicPartition) -> Bool {
        guard let high = client.cachedHighWatermark(of: partition), let position = positions[partition] ?? committed[partition] else { return true }
        return high > position
    }

    /// Waits up to `timeout` for records and returns at most `maxRecords` of them, in order per partition.
    /// An empty result means none arrived in time. Rebalances are handled inside.
    ///
    /// - Throws: ``KafkaError`` `fatal` when the consumer can no longer work (it must be closed).
    public func poll(maxRecords: Int = 500, timeout: Duration) throws(KafkaError) -> [ConsumerRecord] {
        guard !isClosed else { throw KafkaError(code: .closed, message: "consumer closed") }
        var records: [ConsumerRecord] = []
        var wait = timeout
        defer { settleHandOutRun() }
        while records.count < maxRecords, let event = client.consumerPoll(timeout: wait) {
            wait = .zero
            switch event {
            case .record(let record):
                if let run = handOutRun, run.partition == record.topicPartition {
                    handOutRun = (run.partition, record.offset + 1)
                    records.append(record)
                    continue
                }
                settleHandOutRun()
                let partition = record.topicPartition
                // Records fetched before a pause (or from a partition already handed over) are dropped
                // here and not counted as read: the position is where a resume seeks back to.
                guard assignment.contains(partition), !paused.contains(partition), !awaitingRebalance else { continue }
                handOutRun = (partition, record.offset + 1)
                records.append(record)
            case .error(let error):
                settleHandOutRun()
                try handle(error)
            }
        }
        if let fatalError { throw fatalError }
        return records
    }

    /// Notes the position after the current run of handed-out records, which is then over.
    private func settleHandOutRun() {
        guard let run = handOutRun else { return }
        positions[run.partition] = run.nextOffset
        handOutRun = nil
    }

    /// Marks `record` (and everything before it in its partition) processed: the next ``commit()``
    /// commits the offset after it.
    public func markProcessed(_ record: ConsumerRecord) {
        markProcessed(record.topicPartition, nextOffset: record.offset + 1)
    }

    /// Marks every record of `partition` before `nextOffset` processed.
    public func markProcessed(_ partition: TopicPartition, nextOffset: Int64) {
        processed[partition] = nextOffset
    }

    /// Withdraws the processed marks of `partitions`, so nothing more is committed for them (their
    /// outputs could not be delivered: the next owner must process those records again).
    public func forgetProcessed(_ partitions: [TopicPartition]) {
        for partition in partitions { processed[partition] = committed[partition] }
    }

    /// Commits the processed offsets that moved since the last commit, and waits for the broker.
    public func commit() throws(KafkaError) {
        try commitProcessed(of: assignment)
    }

    /// Commits exactly `offsets` (next offset to read, per partition) for the group without joining it:
    /// for moving a stopped application's positions (`runner reset`). The broker refuses while the
    /// group has members.
    public func commit(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        try client.commit(offsets.map { TopicPartitionOffset(topicPartition: $0.key, offset: $0.value) })
    }

    /// The group's committed offsets (next offset to read) for `partitions`; `nil` where none is committed.
    public func committedOffsets(for partitions: [TopicPartition], timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition: Int64?] {
        try client.committed(partitions, timeout: timeout).mapValues { $0 >= 0 ? $0 : nil }
    }

    /// The processed offsets (next offset to read) of assigned partitions that moved since the last
    /// commit: what a transaction commits with ``KafkaProducer/sendOffsetsToTransaction(_:of:timeout:)``.
    public var uncommittedProcessedOffsets: [TopicPartition: Int64] {
        processed.filter { assignment.contains($0.key) && committed[$0.key] != $0.value }
    }

    /// Notes `offsets` as committed by a transaction that committed: the point ``rewindToCommitted()``
    /// returns to.
    public func markCommitted(_ offsets: [TopicPartition: Int64]) {
        for (partition, offset) in offsets where assignment.contains(partition) { committed[partition] = offset }
    }

    /// Goes back to the last committed point, after a transaction was aborted: every assigned partition
    /// (stopped ones aside) hands out records again from its committed offset — or from where its
    /// assignment started, when nothing was committed since — and processed marks return there too.
    /// Records librdkafka fetched before the seek are discarded by it.
    public func rewindToCommitted() throws(KafkaError) {
        var seeks: [TopicPartitionOffset] = []
        for partition in assignment.sorted() where stoppedPartitions[partition] == nil {
            guard let offset = committed[partition] ?? assignedFrom[partition] else { continue }
            processed[partition] = committed[partition]
            positions[partition] = offset
            seeks.append(TopicPartitionOffset(topicPartition: partition, offset: offset))
        }
        if !seeks.isEmpty { try client.seek(seeks, timeout: .seconds(10)) }
        logger.info("rewound to the last committed offsets", metadata: ["positions": "\(seeks.map { "\($0.topicPartition)@\($0.offset)" })"])
    }

    /// The group's current generation and member id, for committing offsets in a transaction.
    func groupMetadata() -> RDKafkaConsumerGroupMetadata? {
        client.consumerGroupMetadata()
    }

    /// Stops handing out records of `partitions` until ``resume(_:)``.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try client.pause(partitions)
        paused.formUnion(partitions)
    }

    /// Hands out records of `partitions` again, from exactly where the application stopped receiving
    /// them: librdkafka 2.0.2 can resume from a stale fetch position, so each partition is sought back
    /// to its tracked position. Stopped partitions stay paused.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        let resumable = partitions.filter { stoppedPartitions[$0] == nil && assignment.contains($0) }
        guard !resumable.isEmpty else { return }
        try client.resume(resumable)
        paused.subtract(resumable)
        let seeks = resumable.compactMap { partition in
            positions[partition].map { TopicPartitionOffset(topicPartition: partition, offset: $0) }
        }
        if !seeks.isEmpty { try client.seek(seeks, timeout: .seconds(10)) }
    }

    /// Commits processed offsets, leaves the group (revoking, and so committing, through the listener)
    /// and stops fetching. Closing twice is harmless.
    public func close() throws(KafkaError) {
        guard !isClosed else { return }
        defer { isClosed = true }
        if isSubscribed, isCooperative, !hasBeenAssigned {
            awaitFirstAssignment()
        }
        try client.closeConsumer()
    }

    /// librdkafka 2.0.2 aborts when a cooperative-sticky member that never received an assignment is
    /// destroyed (`rd_kafka_sticky_assignor_state_destroy`, fixed in 2.3.0): a member stopped while
    /// still joining waits for its first assignment (at most a session timeout) before closing.
    /// Records fetched meanwhile are dropped unprocessed; nothing is marked processed for them.
    private func awaitFirstAssignment() {
        logger.info("waiting for the group's first assignment before leaving it")
        let deadline = ContinuousClock.now + configuration.sessionTimeout
        while !hasBeenAssigned, fatalError == nil, ContinuousClock.now < deadline {
            while let event = client.consumerPoll(timeout: .milliseconds(100)) {
                if case .error(let error) = event { try? handle(error) }
            }
        }
    }

    // MARK: - Events

    private func handle(_ error: KafkaError) throws(KafkaError) {
        switch error.code {
        case .offsetOutOfRange:
            guard let partition = error.topicPartition else { fallthrough }
            stop(partition, because: error)
        case .fatal:
            logger.error("consumer failed fatally: \(error)")
            fatalError = error
        default:
            // Transient: broker connections, unknown topics while they are being created. librdkafka retries.
            logger.warning("consumer: \(error)")
        }
    }

    private func stop(_ partition: TopicPartition, because error: KafkaError) {
        logger.error(
            "partition stopped: its position is outside the records the broker holds; no record was skipped. Set the offset-out-of-range policy to reset to skip ahead knowingly.",
            metadata: ["topic": "\(partition.topic)", "partition": "\(partition.partition)", "error": "\(error.message)"])
        Counter(label: "tributary_consumer_offset_out_of_range_total",
                dimensions: [("topic", partition.topic), ("partition", String(partition.partition))]).increment()
        stoppedPartitions[partition] = error
        do {
            try pause([partition])
        } catch {
            logger.error("could not pause stopped partition \(partition): \(error)")
        }
        rebalanceListener?.partitionStopped(partition, error: error)
    }

    private func handleRebalance(_ event: RDKafkaClient.RebalanceEvent) {
        settleHandOutRun()
        let cooperative = client.rebalanceProtocol == "COOPERATIVE"
        do {
            switch event {
            case .assign(let partitions):
                let starts = startOffsets(for: partitions)
                if cooperative { try client.incrementalAssign(starts) } else { try client.assign(starts) }
                assignment.formUnion(partitions)
                hasBeenAssigned = true
                awaitingRebalance = false
                for start in starts {
                    positions[start.topicPartition] = start.offset
                    assignedFrom[start.topicPartition] = start.offset
                }
                logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
                Counter(label: "tributary_rebalances_total", dimensions: [("group", configuration.groupID), ("event", "assigned")]).increment()
                rebalanceListener?.partitionsAssigned(partitions)
            case .revoke(let partitions):
                let lost = client.assignmentLost
                Counter(label: "tributary_rebalances_total", dimensions: [("group", configuration.groupID), ("event", lost ? "lost" : "revoked")]).increment()
                if lost { rebalanceListener?.partitionsLost(partitions) } else { rebalanceListener?.partitionsRevoked(partitions) }
                if configuration.offsetsCommittedInTransactions {
                    // The listener committed (or aborted) the transaction holding these offsets.
                } else if lost {
                    logger.warning("partitions lost (the group moved on); their processed offsets cannot be committed", metadata: ["partitions": "\(partitions.sorted())"])
                } else {
                    try commitProcessed(of: Set(partitions))
                }
                if cooperative { try client.incrementalUnassign(partitions) } else { try client.assign(nil) }
                forget(partitions)
                logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
            case .failed(let error, let partitions):
                logger.error("rebalance failed: \(error)")
                if cooperative { try client.incrementalUnassign(partitions) } else { try client.assign(nil) }
                forget(partitions)
            }
        } catch {
            logger.error("rebalance handling failed: \(error)")
            fatalError = error
        }
    }

    /// Where each newly assigned partition starts: its committed offset, or the configured initial
    /// position when the group never committed one. Passing explicit offsets keeps librdkafka's
    /// `auto.offset.reset` for what it is here: a committed position that fell out of range.
    private func startOffsets(for partitions: [TopicPartition]) -> [TopicPartitionOffset] {
        var committedOffsets: [TopicPartition: Int64] = [:]
        do {
            committedOffsets = try client.committed(partitions, timeout: .seconds(30))
        } catch {
            logger.error("could not fetch committed offsets; the consumer stops rather than guess a position: \(error)")
            fatalError = error
        }
        return partitions.map { partition in
            let offset = committedOffsets[partition] ?? RDKafkaOffset.invalid
            if offset >= 0 { committed[partition] = offset }
            return TopicPartitionOffset(topicPartition: partition, offset: offset >= 0 ? offset : configuration.initialPosition.logicalOffset)
        }
    }

    private func commitProcessed(of partitions: Set<TopicPartition>) throws(KafkaError) {
        let moved = processed
            .filter { partitions.contains($0.key) && committed[$0.key] != $0.value }
            .map { TopicPartitionOffset(topicPartition: $0.key, offset: $0.value) }
        guard !moved.isEmpty else { return }
        do {
            try client.commit(moved)
        } catch where error.isRebalanceInterruption {
            // The group is rebalancing. Real brokers accept the revocation's commit that follows;
            // librdkafka's mock refuses commits until the group is stable again, and then the next
            // owner re-reads these records: at least once, never skipped.
            //
            // Eager: every partition is assigned again from its committed offset, so hand-out stops until
            // then and what is fetched meanwhile is read again. Cooperative: partitions this member keeps
            // are not assigned again, so records dropped here would be skipped; it goes on, and the
            // offsets go with the next commit.
            Counter(label: "tributary_commits_deferred_total", dimensions: [("group", configuration.groupID), ("reason", "rebalance")]).increment()
            guard !isCooperative else {
                logger.info("commit refused during a rebalance; the offsets go with the next commit", metadata: ["reason": "\(error.message)"])
                return
            }
            logger.info("commit refused during a rebalance; pausing hand-out until the next assignment", metadata: ["reason": "\(error.message)"])
            awaitingRebalance = true
            return
        } catch where error.isCoordinatorUnavailable {
            // Nothing is lost by waiting: the offsets stay marked processed and go with the next commit.
            // If the group moves on meanwhile (the session timed out), the partitions are revoked as lost
            // and their next owner re-reads from the last committed offsets; state skips what it applied.
            logger.warning("commit not acknowledged: the group coordinator is unavailable; the offsets go with the next commit", metadata: ["reason": "\(error.message)"])
            Counter(label: "tributary_commits_deferred_total", dimensions: [("group", configuration.groupID), ("reason", "coordinator-unavailable")]).increment()
            return
        }
        for offset in moved { committed[offset.topicPartition] = offset.offset }
    }

    private func forget(_ partitions: [TopicPartition]) {
        for partition in partitions {
            assignment.remove(partition)
            positions[partition] = nil
            processed[partition] = nil
            committed[partition] = nil
            assignedFrom[partition] = nil
            paused.remove(partition)
            stoppedPartitions[partition] = nil
        }
    }
}

/// Lets librdkafka's rebalance callback reach the consumer without owning it.
private final class RebalanceRelay {
    weak var consumer: KafkaConsumer?
}
