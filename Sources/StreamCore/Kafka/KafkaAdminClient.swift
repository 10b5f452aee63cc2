import Logging

/// Asks the cluster about topics and creates them where the broker allows it.
public final class KafkaAdminClient: Sendable {
    /// A topic to create.
    public struct TopicSpecification: Hashable, Sendable {
        public var name: String
        public var partitions: Int
        public var replicationFactor: Int
        /// Topic configuration set at creation, e.g. `cleanup.policy`.
        public var configs: [String: String]

        public init(name: String, partitions: Int, replicationFactor: Int = 1, configs: [String: String] = [:]) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.configs = configs
        }

        /// One specification per topic of `partitions` (name → partition count), sorted by name.
        public static func list(_ partitions: [String: Int]) -> [TopicSpecification] {
            partitions.sorted { $0.key < $1.key }.map { TopicSpecification(name: $0.key, partitions: $0.value) }
        }
    }

    /// What became of one topic creation.
    public enum TopicCreationOutcome: Hashable, Sendable {
        case created
        case alreadyExists
        /// The broker does not serve the Admin API (librdkafka's mock cluster, some managed services);
        /// the topic must be created by the broker's operator, for example with `runner dev-broker --topic`.
        case notServedByBroker(reason: String)
    }

    private let client: RDKafkaClient
    private let poller: KafkaPollingThread

    public init(bootstrapServers: String, logger: Logger, additionalProperties: [String: String] = [:]) throws(KafkaError) {
        var properties = ["bootstrap.servers": bootstrapServers, "client.id": "tributary-admin"]
        properties.merge(additionalProperties) { _, override in override }
        client = try RDKafkaClient(kind: .producer, properties: properties, logger: logger)
        poller = KafkaPollingThread(name: "tributary-admin-poll", client: client)
    }

    deinit { poller.stop() }

    /// Partition counts of every topic the cluster holds.
    public func partitionCounts(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int] {
        try client.partitionCounts(timeout: timeout)
    }

    /// Creates `topics`, reporting per topic whether it was created, already existed, or could not be
    /// because the broker does not serve CreateTopics.
    ///
    /// A broker without the Admin API never answers (librdkafka waits for a controller that is never
    /// named), so `timeout` also bounds how long that discovery takes.
    ///
    /// - Throws: ``KafkaError`` `adminFailed` for any other refusal (bad partition count, authorisation).
    public func createTopics(_ topics: [TopicSpecification], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: TopicCreationOutcome] {
        guard !topics.isEmpty else { return [:] }
        let responses: [RDKafkaClient.TopicCreationResponse]
        do {
            responses = try client.createTopics(topics.map { ($0.name, $0.partitions, $0.replicationFactor, $0.configs) }, timeout: timeout)
        } catch let error where error.protocolCode == .timedOut {
            let reason = "the broker did not answer CreateTopics within \(timeout) (no Admin API, or no controller): \(error.message)"
            return Dictionary(uniqueKeysWithValues: topics.map { ($0.name, TopicCreationOutcome.notServedByBroker(reason: reason)) })
        }
        var outcomes: [String: TopicCreationOutcome] = [:]
        for response in responses {
            switch response.errorName {
            case nil: outcomes[response.topic] = .created
            case "TOPIC_ALREADY_EXISTS": outcomes[response.topic] = .alreadyExists
            case "_TIMED_OUT", "UNSUPPORTED_VERSION", "INVALID_REQUEST":
                outcomes[response.topic] = .notServedByBroker(reason: "\(response.errorName!): \(response.message)")
            case let name?:
                throw KafkaError(code: .adminFailed, message: "create topic \(response.topic): \(name): \(response.message)")
            }
        }
        return outcomes
    }
}
