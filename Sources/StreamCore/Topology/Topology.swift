/// A compiled processing graph: what a stream thread runs. Built with ``TopologyBuilder``.
public struct Topology: Sendable {
    /// The consumer group, and the prefix of internal topics (`<application-id>-dlq`).
    public let applicationID: String
    public let nodes: [TopologyNode]
    /// Source node per input topic (repartition topics included).
    public let sourceNodeByTopic: [String: TopologyNode.ID]
    /// The graph cut at repartition topics.
    public let subtopologies: [Subtopology]
    /// Topics every instance reads in full into a store, for lookups from any task.
    public let globalTables: [GlobalTable]

    /// Topics read, sorted (repartition topics included).
    public var sourceTopics: [String] { sourceNodeByTopic.keys.sorted() }

    /// Topics written, sorted, without duplicates (repartition topics included; changelogs not).
    public var sinkTopics: [String] {
        Set(nodes.compactMap { node -> String? in
            switch node.operation {
            case .sink(let topic, _, _), .repartitionSink(let topic): topic
            default: nil
            }
        }).sorted()
    }

    /// The internal topics records are re-keyed through, sorted.
    public var repartitionTopics: [String] {
        nodes.compactMap { node -> String? in
            if case .repartitionSource(let topic) = node.operation { return topic }
            return nil
        }.sorted()
    }

    /// Where records that cannot be processed go, with the reason in headers.
    public var deadLetterTopic: String { "\(applicationID)-dlq" }

    /// The changelog topic of a state store: `<application-id>-<store>-changelog`.
    public func changelogTopic(of store: String) -> String { "\(applicationID)-\(store)-changelog" }

    /// The sub-topology that reads `topic`.
    public func subtopology(reading topic: String) -> Subtopology? {
        subtopologies.first { $0.sourceTopics.contains(topic) }
    }
}
