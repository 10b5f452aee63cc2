/// A compiled processing graph: what a stream thread runs. Built with ``TopologyBuilder``.
public struct Topology: Sendable {
    /// The consumer group, and the prefix of internal topics (`<application-id>-dlq`).
    public let applicationID: String
    public let nodes: [TopologyNode]
    /// Source node per input topic.
    public let sourceNodeByTopic: [String: TopologyNode.ID]

    /// Topics read, sorted.
    public var sourceTopics: [String] { sourceNodeByTopic.keys.sorted() }

    /// Topics written, sorted, without duplicates.
    public var sinkTopics: [String] {
        Set(nodes.compactMap { node -> String? in
            if case .sink(let topic, _, _) = node.operation { return topic }
            return nil
        }).sorted()
    }

    /// Where records that cannot be processed go, with the reason in headers.
    public var deadLetterTopic: String { "\(applicationID)-dlq" }
}
