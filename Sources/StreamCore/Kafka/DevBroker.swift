import Logging
import ServiceLifecycle

/// A Kafka-protocol cluster for development, tests and demos: librdkafka's mock cluster, reachable
/// on loopback by any Kafka client (kcat, librdkafka, Java clients).
///
/// It keeps about 5 MB per partition, has no Admin API and no compaction, and auto-creates unknown
/// topics with 4 partitions on first use: create every topic up front with the partition count it
/// needs. See `docs/DEV-BROKER.md`.
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

    /// `127.0.0.1:PORT[,...]`: what clients pass as `bootstrap.servers`.
    public let bootstrapServers: String
    private let cluster: RDKafkaMockCluster
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
        for topic in configuration.topics {
            try createTopic(topic)
        }
    }

    /// Creates a topic with exactly `specification.partitions` partitions.
    public func createTopic(_ specification: KafkaAdminClient.TopicSpecification) throws(KafkaError) {
        try cluster.createTopic(specification.name, partitions: specification.partitions, replicationFactor: specification.replicationFactor)
        logger.info("dev broker topic created", metadata: ["topic": "\(specification.name)", "partitions": "\(specification.partitions)"])
    }

    /// Serves until graceful shutdown (SIGINT/SIGTERM in a `ServiceGroup`); the brokers stop when the
    /// last reference to this value goes.
    public func run() async throws {
        try? await gracefulShutdown()
        logger.info("dev broker stopping", metadata: ["bootstrap": "\(bootstrapServers)"])
    }
}
