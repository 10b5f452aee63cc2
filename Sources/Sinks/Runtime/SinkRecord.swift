import StreamCore

/// One record of a sink topic on its way to the outside world.
public struct SinkRecord: Sendable {
    /// What updates to the same thing share (Salesforce: the external id); `nil` when records never
    /// replace each other (inserts, webhooks).
    public var coalescingKey: String?
    /// The body the destination receives, as the topology built it.
    public var body: JSONValue
    /// The sink-topic record it came from: for committing, and unchanged into the dead-letter topic.
    public var source: ConsumerRecord

    public init(coalescingKey: String?, body: JSONValue, source: ConsumerRecord) {
        self.coalescingKey = coalescingKey
        self.body = body
        self.source = source
    }
}
