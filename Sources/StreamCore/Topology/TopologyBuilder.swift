/// Builds a ``Topology`` the way Kafka Streams' `StreamsBuilder` does: start from sources, chain
/// operators on ``KStream`` values, end in sinks.
///
/// - Important: Not thread-safe; build on one thread, then share the immutable ``Topology``.
public final class TopologyBuilder {
    /// A topology that cannot be built as described.
    public struct BuildError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let applicationID: String
    private(set) var nodes: [TopologyNode] = []
    private var sourceNodeByTopic: [String: TopologyNode.ID] = [:]
    private var problems: [String] = []

    public init(applicationID: String) {
        self.applicationID = applicationID
    }

    /// A stream of the records of `topic`, decoded as the formats say.
    public func stream(
        _ name: String, topic: String, keyFormat: RecordFormat, valueFormat: RecordFormat,
        eventTime: (@Sendable (StreamRecord) throws -> Int64)? = nil
    ) -> KStream {
        let node = add(name, .source(topic: topic, keyFormat: keyFormat, valueFormat: valueFormat, eventTime: eventTime), parents: [])
        if sourceNodeByTopic[topic] != nil {
            problems.append("topic '\(topic)' is read by two sources; read it once and branch instead")
        }
        sourceNodeByTopic[topic] = node
        return KStream(builder: self, node: node)
    }

    /// The finished topology.
    ///
    /// - Throws: ``BuildError`` for duplicate node names or a topic read twice.
    public func build() throws(BuildError) -> Topology {
        var seen: Set<String> = []
        for node in nodes where !seen.insert(node.name).inserted {
            problems.append("two nodes are named '\(node.name)'")
        }
        guard problems.isEmpty else { throw BuildError(message: problems.joined(separator: "; ")) }
        return Topology(applicationID: applicationID, nodes: nodes, sourceNodeByTopic: sourceNodeByTopic)
    }

    func add(_ name: String, _ operation: TopologyNode.Operation, parents: [TopologyNode.ID]) -> TopologyNode.ID {
        let id = nodes.count
        nodes.append(TopologyNode(id: id, name: name, operation: operation))
        for parent in parents { nodes[parent].children.append(id) }
        return id
    }
}
