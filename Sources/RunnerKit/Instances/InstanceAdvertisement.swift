import StreamCore

/// What one runner instance tells the others about itself, on each application's instances topic
/// (`<application-id>-instances`, keyed by instance): where its HTTP endpoint is and which input
/// partitions it processes, so that any instance can list the group and forward a key's query to
/// the instance that holds the key's state.
struct InstanceAdvertisement: Sendable, Equatable {
    /// Unique per process run (host, pid and a random part).
    var instance: String
    var application: String
    /// `http://host:port` where this instance answers queries; nil when it serves no HTTP.
    var endpoint: String?
    /// The input partitions its tasks process, sorted.
    var partitions: [TopicPartition]
    /// When it was sent, epoch milliseconds on the sender's clock.
    var time: Int64
    /// Sent once on a clean shutdown, so that the others forget the instance at once.
    var leaving = false

    var json: JSONValue {
        .object([
            "instance": .string(instance), "application": .string(application), "endpoint": endpoint.map(JSONValue.string) ?? .null,
            "partitions": .array(partitions.map { .object(["topic": .string($0.topic), "partition": .int(Int64($0.partition))]) }),
            "time": .int(time), "leaving": .bool(leaving),
        ])
    }

    /// Reads an advertisement; nil for anything else (another version's record, or garbage).
    init?(json bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes),
              let instance = value["instance"]?.stringValue, let application = value["application"]?.stringValue,
              let time = value["time"]?.int64Value, let partitions = value["partitions"]?.arrayValue
        else { return nil }
        self.instance = instance
        self.application = application
        self.endpoint = value["endpoint"]?.stringValue
        self.time = time
        self.leaving = value["leaving"]?.boolValue ?? false
        self.partitions = partitions.compactMap { entry in
            guard let topic = entry["topic"]?.stringValue, let partition = entry["partition"]?.int64Value else { return nil }
            return TopicPartition(topic, Int32(partition))
        }
    }

    init(instance: String, application: String, endpoint: String?, partitions: [TopicPartition], time: Int64, leaving: Bool = false) {
        self.instance = instance
        self.application = application
        self.endpoint = endpoint
        self.partitions = partitions
        self.time = time
        self.leaving = leaving
    }
}
