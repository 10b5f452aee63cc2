/// How a ``KafkaProducer`` connects and delivers.
///
/// The defaults are the safe ones: idempotent, acknowledged by all in-sync replicas, and keyed
/// records partitioned by murmur2 exactly as Java clients partition them, so topics written by
/// Tributary and by Java services stay co-partitioned.
public struct KafkaProducerConfiguration: Sendable {
    /// `host:port[,host:port...]` of the cluster.
    public var bootstrapServers: String
    /// Identifies this client in broker logs and metrics.
    public var clientID: String = "tributary"
    /// No duplicates and no reordering from producer retries.
    public var idempotent: Bool = true
    /// librdkafka's `partitioner`; `murmur2_random` is the Java client's default partitioner
    /// (keyless records go to a random partition).
    public var partitioner: String = "murmur2_random"
    /// Makes the producer transactional (`transactional.id`, idempotence implied): unique per producer
    /// instance that may run at the same time, stable if a restarted instance should fence its
    /// predecessor. `nil` for a plain producer.
    public var transactionalID: String?
    /// How long a transaction may stay open before the coordinator aborts it (`transaction.timeout.ms`):
    /// what a crashed producer's open transaction holds `read_committed` readers back at most. A
    /// transactional producer's records time out no later (librdkafka requires it).
    public var transactionTimeout: Duration = .seconds(60)
    /// How long records wait to be batched before sending.
    public var linger: Duration = .milliseconds(5)
    /// How long a record may take to be delivered before it fails.
    public var deliveryTimeout: Duration = .seconds(120)
    /// Any other librdkafka property, applied last (so it can override the fields above).
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    /// The complete librdkafka property set.
    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers,
            "client.id": clientID,
            "enable.idempotence": idempotent ? "true" : "false",
            "acks": "all",
            "partitioner": partitioner,
            "linger.ms": String(linger.milliseconds),
            "message.timeout.ms": String(deliveryTimeout.milliseconds),
        ]
        if let transactionalID {
            properties["transactional.id"] = transactionalID
            properties["transaction.timeout.ms"] = String(transactionTimeout.milliseconds)
            properties["message.timeout.ms"] = String(min(deliveryTimeout, transactionTimeout).milliseconds)
        }
        properties.merge(additionalProperties) { _, override in override }
        return properties
    }
}
