import StreamCore

/// How a sink reads its topic, batches, and behaves when the destination fails.
public struct SinkWorkerConfiguration: Sendable {
    /// The sink's name, in logs, metrics and dead-letter headers.
    public var name: String
    public var bootstrapServers: String
    /// The topic the topology writes the sink's records to.
    public var topic: String
    /// librdkafka properties for the sink's consumer and dead-letter producer (security settings).
    public var kafkaProperties: [String: String] = [:]
    /// The consumer group that tracks what the destination acknowledged.
    public var groupID: String
    /// Where refused records go, with the reason in headers.
    public var deadLetterTopic: String
    /// Whether records with the same key replace each other while they wait (Salesforce upserts:
    /// yes; notifications: no, each one is sent).
    public var coalescesByKey = true
    /// At most this many records per call.
    public var batchSize: Int = 200
    /// A batch smaller than `batchSize` goes out once its oldest record waited this long.
    public var linger: Duration = .milliseconds(500)
    /// Reading pauses while this many records wait (backpressure on a slow destination).
    public var maxWaiting: Int = 10_000
    /// Retries of failed calls (network, 5xx, throttling).
    public var backoff = BackoffPolicy()
    /// While the destination's allowance is exhausted, one call is tried this often.
    public var probeInterval: Duration = .seconds(300)
    /// On shutdown, waiting records are still sent for at most this long.
    public var drainTimeout: Duration = .seconds(10)

    public init(name: String, bootstrapServers: String, topic: String, groupID: String, deadLetterTopic: String) {
        self.name = name
        self.bootstrapServers = bootstrapServers
        self.topic = topic
        self.groupID = groupID
        self.deadLetterTopic = deadLetterTopic
    }
}
