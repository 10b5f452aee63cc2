import Foundation

/// How a topology runs: where the cluster is and how often progress is committed.
public struct StreamsConfiguration: Sendable {
    /// `host:port[,host:port...]` of the Kafka cluster.
    public var bootstrapServers: String
    /// Where tasks keep their state stores: `<state-dir>/<application-id>/<task>/<store>`.
    public var stateDirectory: String = FileManager.default.temporaryDirectory.appendingPathComponent("tributary").path
    /// Where interactive queries find the stores of running tasks.
    public var queryableStores = QueryableStores()
    /// How often outputs are flushed and processed offsets committed. Shorter means fewer records
    /// processed again after a crash; longer means fewer commits.
    public var commitInterval: Duration = .seconds(1)
    /// At-least-once outputs (the default), or one Kafka transaction per commit interval.
    public var processingGuarantee: ProcessingGuarantee = .atLeastOnce
    /// Every transactional call of the application's producers, in order (exactly-once only): what
    /// operators and tests read to see transactions begin, commit, abort and producers being replaced.
    public var transactionCallLog = TransactionCallLog()
    /// What happens when a committed position is no longer held by the broker.
    public var offsetOutOfRange: KafkaConsumerConfiguration.OffsetOutOfRangePolicy = .fail
    /// How long the group waits for a silent instance before moving its partitions.
    public var sessionTimeout: Duration = .seconds(10)
    /// How long a task with several input partitions waits for a partition without buffered records
    /// before processing the others' (in timestamp order) without it. Longer makes joins and timers
    /// less dependent on fetch timing; zero never waits.
    public var maxTaskIdle: Duration = .zero
    /// How far ahead of the wall clock a record's event time may be; a record further ahead is
    /// dead-lettered (`invalid-event-time`) instead of moving its task's stream time into the future,
    /// where it would close every window and make every later record late. `nil` accepts any time.
    public var maxEventTimeSkew: Duration? = .seconds(7 * 86_400)
    /// The free space a state directory that refused a write (a full disk) needs before processing
    /// resumes — or a twentieth of its file system, if that is less.
    public var stateDirectoryRoomToResume: Int64 = 64 * 1024 * 1024
    /// Stream threads per topology in this instance (Kafka Streams' `num.stream.threads`): each is a
    /// member of the consumer group with its own consumer and producer, and processes the tasks the
    /// group assigns it; more threads than tasks leave some idle.
    public var streamThreads: Int = 1
    /// How many records one poll hands to processing at most.
    public var maxPollRecords: Int = 1000
    /// How often progress (records in, out per topic, dead-lettered) is logged; `nil` never.
    public var progressLogInterval: Duration? = nil
    /// librdkafka properties for every Kafka client the application creates (group consumer,
    /// producer, admin, changelog restorers, global tables): security settings such as
    /// `security.protocol`, `sasl.*` and `ssl.*`. They override the engine's own settings, the memory
    /// budget's included.
    public var kafkaProperties: [String: String] = [:]
    /// The instance's memory, split between RocksDB, librdkafka and buffered records; `nil` leaves
    /// RocksDB's and librdkafka's defaults and never pauses a task for its buffer.
    ///
    /// - Important: Setting it creates the one block cache every store opened with this configuration
    ///   (and its copies) shares: set it once per instance, before the configuration is handed out.
    public var memoryBudget: MemoryBudget? {
        didSet { storeOptions = memoryBudget.map { $0.storeOptions(blockCache: RocksDBBlockCache(capacityBytes: $0.blockCacheBytes)) } ?? RocksDBOptions() }
    }
    /// How every state store is opened: under a memory budget, with the shared block cache and
    /// bounded memtables.
    public private(set) var storeOptions = RocksDBOptions()

    /// Properties for the application's consumers: the budget's, then `kafkaProperties` over them.
    var consumerProperties: [String: String] {
        (memoryBudget?.consumerProperties ?? [:]).merging(kafkaProperties) { _, user in user }
    }

    /// Properties for the application's producer: the budget's, then `kafkaProperties` over them.
    var producerProperties: [String: String] {
        (memoryBudget?.producerProperties ?? [:]).merging(kafkaProperties) { _, user in user }
    }

    /// The input partitions whose tasks this instance keeps standby copies of (warm state for a fast
    /// failover), asked about once a second; nil keeps none. Tasks active here are left out.
    public var standbyPartitions: (@Sendable () -> [TopicPartition])? = nil

    /// Whether restores and standby copies read changelogs `read_committed`: under exactly-once a
    /// changelog holds records of aborted transactions, which state must never apply. At-least-once
    /// writes no transactions and reads uncommitted (it never waits for a last stable offset).
    var readsChangelogsCommitted: Bool { processingGuarantee == .exactlyOnceV2 }

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }
}
