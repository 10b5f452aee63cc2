import Logging
import ServiceLifecycle
import Synchronization

/// A Kafka-protocol cluster for development, tests and demos: librdkafka's mock cluster, reachable
/// on loopback by any Kafka client (kcat, librdkafka, Java clients).
///
/// It keeps about 5 MB per partition, has no Admin API and no compaction, and auto-creates unknown
/// topics with 4 partitions on first use: create every topic up front with the partition count it
/// needs. See `docs/DEV-BROKER.md`.
///
/// Faults can be scripted while it serves: brokers down and up, slow responses, request errors, leaders
/// and coordinators moved to chosen brokers. Brokers are numbered 1 to `brokers`.
public final class DevBroker: Service, Sendable {
    /// How many brokers and which topics.
    public struct Configuration: Sendable {
        public var brokers: Int = 1
        public var topics: [KafkaAdminClient.TopicSpecification] = []

        public init(brokers: Int = 1, topics: [KafkaAdminClient.TopicSpecification] = []) {
            self.brokers = brokers
            self.topics = topics
        }
    }

    /// Whether a coordinator serves a consumer group or a transactional producer.
    public struct CoordinatorKind: Hashable, Sendable, CustomStringConvertible {
        /// librdkafka's key type: `group` or `transaction`.
        let keyType: String
        private init(_ keyType: String) { self.keyType = keyType }

        /// The coordinator of a consumer group; its key is the group id.
        public static let group = CoordinatorKind("group")
        /// The coordinator of a transactional producer; its key is the `transactional.id`.
        public static let transaction = CoordinatorKind("transaction")

        public var description: String { keyType }
    }

    /// `127.0.0.1:PORT[,...]`: what clients pass as `bootstrap.servers`.
    public let bootstrapServers: String
    /// The broker ids: 1 to the configured number of brokers.
    public let brokerIDs: ClosedRange<Int32>
    private let cluster: RDKafkaMockCluster
    /// Partition counts of the topics created here: the ones whose leaders may be moved (librdkafka
    /// would silently create a misspelt topic).
    private let partitionCounts = Mutex<[String: Int]>([:])
    private let logger: Logger

    /// Starts the brokers and creates the configured topics.
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` when the cluster or a topic cannot be created.
    public init(configuration: Configuration, logger: Logger) throws(KafkaError) {
        self.logger = logger
        // The host handle never connects anywhere; it only carries the cluster and its logs.
        let host = try RDKafkaClient(kind: .producer, properties: ["log_level": "3"], logger: logger)
        cluster = try RDKafkaMockCluster(brokers: configuration.brokers, host: host)
        bootstrapServers = cluster.bootstrapServers
        brokerIDs = 1...Int32(configuration.brokers)
        for topic in configuration.topics {
            try createTopic(topic)
        }
    }

    /// Creates a topic with exactly `specification.partitions` partitions.
    public func createTopic(_ specification: KafkaAdminClient.TopicSpecification) throws(KafkaError) {
        try cluster.createTopic(specification.name, partitions: specification.partitions, replicationFactor: specification.replicationFactor)
        partitionCounts.withLock { $0[specification.name] = specification.partitions }
        logger.info("dev broker topic created", metadata: ["topic": "\(specification.name)", "partitions": "\(specification.partitions)"])
    }

    // MARK: - Faults

    /// Takes broker `id` down (it drops its connections and refuses new ones) or brings it back up.
    /// Leadership does not move: what it leads or coordinates is unavailable while it is down.
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` for an unknown broker.
    public func setBroker(_ id: Int32, up: Bool) throws(KafkaError) {
        try checkBroker(id)
        try cluster.setBroker(id, up: up)
        logger.notice("fault: broker \(up ? "up" : "down")", metadata: ["broker": "\(id)"])
    }

    /// Delays every response of broker `broker` by `milliseconds` (0 removes the delay).
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` for an unknown broker or a negative delay.
    public func setRoundTripTime(broker: Int32, milliseconds: Int32) throws(KafkaError) {
        try checkBroker(broker)
        guard milliseconds >= 0 else { throw KafkaError(code: .mockClusterFailed, message: "round-trip time must not be negative, got \(milliseconds) ms") }
        try cluster.setRoundTripTime(broker: broker, milliseconds: milliseconds)
        logger.notice("fault: broker round-trip time set", metadata: ["broker": "\(broker)", "milliseconds": "\(milliseconds)"])
    }

    /// Makes the next `errors.count` requests of type `apiKey`, to any broker, fail with `errors` in
    /// order. Clients treat retriable codes (`NOT_LEADER_OR_FOLLOWER`, `REQUEST_TIMED_OUT`, ...) as
    /// transient; `_TRANSPORT` drops the connection.
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` when `errors` is empty.
    public func injectRequestErrors(apiKey: KafkaAPIKey, errors: [KafkaProtocolErrorCode]) throws(KafkaError) {
        guard !errors.isEmpty else { throw KafkaError(code: .mockClusterFailed, message: "no errors given to inject into \(apiKey) requests") }
        cluster.pushRequestErrors(apiKey: apiKey.rawValue, errors: errors.map(\.rawValue))
        logger.notice("fault: request errors queued", metadata: ["api": "\(apiKey)", "errors": "\(errors.map(\.name))"])
    }

    /// Makes broker `broker` the leader of `topic`'s `partition`. Clients learn it from their next
    /// request to the former leader, which answers `NOT_LEADER_OR_FOLLOWER`.
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` for an unknown broker, or a topic or partition not
    ///   created by this broker.
    public func setLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try checkBroker(broker)
        guard let count = partitionCounts.withLock({ $0[topic] }) else {
            throw KafkaError(code: .mockClusterFailed, message: "topic \(topic) was not created by this dev broker; its leaders cannot be moved")
        }
        guard (0..<Int32(count)).contains(partition) else {
            throw KafkaError(code: .mockClusterFailed, message: "topic \(topic) has partitions 0 to \(count - 1), not \(partition)")
        }
        try cluster.setLeader(topic: topic, partition: partition, broker: broker)
        logger.notice("fault: partition leader moved", metadata: ["topic": "\(topic)", "partition": "\(partition)", "broker": "\(broker)"])
    }

    /// Makes broker `broker` the coordinator of `key` (a group id or a transactional id, by `kind`).
    /// Members talking to the former coordinator are told `NOT_COORDINATOR` and look it up again.
    ///
    /// - Throws: ``KafkaError`` `mockClusterFailed` for an unknown broker.
    public func setCoordinator(kind: CoordinatorKind, key: String, broker: Int32) throws(KafkaError) {
        try checkBroker(broker)
        try cluster.setCoordinator(keyType: kind.keyType, key: key, broker: broker)
        logger.notice("fault: coordinator moved", metadata: ["kind": "\(kind)", "key": "\(key)", "broker": "\(broker)"])
    }

    /// librdkafka accepts any id for a coordinator; an id outside the cluster would make it unreachable
    /// for good, which is never what a fault script means.
    private func checkBroker(_ id: Int32) throws(KafkaError) {
        guard brokerIDs.contains(id) else {
            throw KafkaError(code: .mockClusterFailed, message: "no broker \(id); this cluster has brokers \(brokerIDs.lowerBound) to \(brokerIDs.upperBound)")
        }
    }

    /// Serves until graceful shutdown (SIGINT/SIGTERM in a `ServiceGroup`); the brokers stop when the
    /// last reference to this value goes.
    public func run() async throws {
        try? await gracefulShutdown()
        logger.info("dev broker stopping", metadata: ["bootstrap": "\(bootstrapServers)"])
    }
}
