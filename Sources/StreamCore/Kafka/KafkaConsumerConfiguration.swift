/// How a ``KafkaConsumer`` joins its group and where it starts reading.
public struct KafkaConsumerConfiguration: Sendable {
    /// What happens when a committed position lies outside the records the broker still holds
    /// (retention deleted them, or the topic was recreated).
    ///
    /// The default, ``fail``, stops the partition loudly: skipping records silently is the one thing a
    /// stream processor must never do by accident.
    public struct OffsetOutOfRangePolicy: Hashable, Sendable, CustomStringConvertible {
        let autoOffsetReset: String
        private init(_ autoOffsetReset: String) { self.autoOffsetReset = autoOffsetReset }

        /// Log an error, count it in `tributary_consumer_offset_out_of_range_total`, and stop
        /// consuming the partition (see ``KafkaConsumer/stoppedPartitions``).
        public static let fail = OffsetOutOfRangePolicy("error")
        /// Jump to the oldest record the broker still holds (the records in between are lost).
        public static let resetToEarliest = OffsetOutOfRangePolicy("earliest")
        /// Jump to the end of the partition (everything not yet read is skipped).
        public static let resetToLatest = OffsetOutOfRangePolicy("latest")

        public var description: String { autoOffsetReset }
    }

    /// Where a partition with no committed offset starts.
    public struct InitialPosition: Hashable, Sendable {
        let logicalOffset: Int64
        private init(_ logicalOffset: Int64) { self.logicalOffset = logicalOffset }

        /// The oldest record held: a new application processes the topic's history (Kafka Streams' default).
        public static let earliest = InitialPosition(-2)
        /// Only records produced after the assignment.
        public static let latest = InitialPosition(-1)
    }

    /// How partitions move between group members on a rebalance.
    public struct RebalanceProtocol: Hashable, Sendable {
        let assignmentStrategy: String
        private init(_ assignmentStrategy: String) { self.assignmentStrategy = assignmentStrategy }

        /// Every member gives up every partition on each rebalance (librdkafka's `range,roundrobin`).
        public static let eager = RebalanceProtocol("range,roundrobin")
        /// Only the partitions that move are revoked (`cooperative-sticky`).
        public static let cooperative = RebalanceProtocol("cooperative-sticky")
    }

    /// `host:port[,host:port...]` of the cluster.
    public var bootstrapServers: String
    /// The consumer group; members with the same id share the topics' partitions.
    public var groupID: String
    /// Identifies this client in broker logs and metrics.
    public var clientID: String = "tributary"
    public var offsetOutOfRange: OffsetOutOfRangePolicy = .fail
    public var initialPosition: InitialPosition = .earliest
    public var rebalanceProtocol: RebalanceProtocol = .eager
    /// How long the group waits for a silent member before reassigning its partitions.
    public var sessionTimeout: Duration = .seconds(10)
    /// How often the member tells the coordinator it is alive.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Only read records of committed transactions.
    public var readCommitted: Bool = true
    /// Set when a transactional producer commits this consumer's offsets (exactly-once): the consumer
    /// then never commits on its own, not even when partitions are revoked.
    public var offsetsCommittedInTransactions: Bool = false
    /// Any other librdkafka property, applied last.
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: String, groupID: String) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
    }

    /// The complete librdkafka property set. Offsets are only ever committed explicitly, for records
    /// the application has finished processing.
    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers,
            "group.id": groupID,
            "client.id": clientID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": offsetOutOfRange.autoOffsetReset,
            "partition.assignment.strategy": rebalanceProtocol.assignmentStrategy,
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(heartbeatInterval.milliseconds),
            "isolation.level": readCommitted ? "read_committed" : "read_uncommitted",
            "enable.partition.eof": "false",
            // librdkafka 2.0 compares this with the length of the consumer's one queue, which every
            // assigned partition feeds, and once it is reached stops fetching for a fixed second
            // (librdkafka issue #2879; 2.3 made the pause `fetch.queue.backoff.ms`). Its default,
            // 100,000 records, is reached whenever processing falls behind fetching, and the consumer
            // then sat idle for up to a second: a 200,000-record restore took 1.2 s instead of 0.85 s.
            // `queued.max.messages.kbytes` (librdkafka's default, or the memory budget's share) still
            // bounds the queue, by bytes. docs/BENCHMARKS.md, "2026-12-07 (night)".
            "queued.min.messages": "10000000",
        ]
        properties.merge(additionalProperties) { _, override in override }
        return properties
    }
}
