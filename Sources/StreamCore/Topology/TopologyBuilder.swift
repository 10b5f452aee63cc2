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
    private var globalTables: [GlobalTable] = []

    public init(applicationID: String) {
        self.applicationID = applicationID
    }

    /// Records `topic` as read by `node`; a topic read twice is a build error.
    func registerSource(_ node: TopologyNode.ID, topic: String) {
        if sourceNodeByTopic[topic] != nil {
            problems.append("topic '\(topic)' is read by two sources; read it once and branch instead")
        }
        sourceNodeByTopic[topic] = node
    }

    /// Reads `topic` in full, in every instance, into the global store `store` (see ``GlobalTable``).
    public func globalTable(topic: String, store: String, keyFormat: RecordFormat, valueFormat: RecordFormat) {
        if sourceNodeByTopic[topic] != nil || globalTables.contains(where: { $0.topic == topic }) {
            problems.append("topic '\(topic)' is read by two sources; read it once")
        }
        globalTables.append(GlobalTable(topic: topic, store: store, keyFormat: keyFormat, valueFormat: valueFormat))
    }

    /// A stream of the records of `topic`, decoded as the formats say.
    public func stream(
        _ name: String, topic: String, keyFormat: RecordFormat, valueFormat: RecordFormat,
        eventTime: (@Sendable (StreamRecord) throws -> Int64)? = nil
    ) -> KStream {
        let node = add(name, .source(topic: topic, keyFormat: keyFormat, valueFormat: valueFormat, eventTime: eventTime), parents: [])
        registerSource(node, topic: topic)
        return KStream(builder: self, node: node)
    }

    /// A stream of the entries of `punctuation.store`, emitted on its schedule; the store must be written
    /// by a step of this topology.
    public func punctuation(_ name: String, _ punctuation: Punctuation) -> KStream {
        KStream(builder: self, node: add(name, .punctuation(punctuation), parents: []))
    }

    /// What the node writing the state store `store` does, if a node writes it.
    public func writer(ofStore store: String) -> TopologyNode.Operation? {
        nodes.first { $0.operation.storeName == store }?.operation
    }

    /// The state stores the nodes so far write, sorted.
    public var storeNames: [String] {
        Set(nodes.compactMap(\.operation.storeName)).sorted()
    }

    /// The finished topology.
    ///
    /// - Throws: ``BuildError`` for duplicate node names or a topic read twice.
    public func build() throws(BuildError) -> Topology {
        var seen: Set<String> = []
        for node in nodes where !seen.insert(node.name).inserted {
            problems.append("two nodes are named '\(node.name)'")
        }
        var stores: Set<String> = []
        for node in nodes {
            if let store = node.operation.storeName, !stores.insert(store).inserted {
                problems.append("two steps write the state store '\(store)'; give each its own store name")
            }
        }
        guard problems.isEmpty else { throw BuildError(message: problems.joined(separator: "; ")) }
        return Topology(applicationID: applicationID, nodes: nodes, sourceNodeByTopic: sourceNodeByTopic, subtopologies: subtopologies(), globalTables: globalTables)
    }

    /// The connected parts of the graph, numbered in the order of their first node. Repartition topics
    /// cut the graph, because the sink writing one and the source reading it are not linked; a join
    /// links the stream to the table it reads.
    private func subtopologies() -> [Subtopology] {
        var component = Array(nodes.indices)
        func root(_ id: Int) -> Int {
            var id = id
            while component[id] != id { id = component[id] }
            return id
        }
        for node in nodes {
            for child in node.children { component[root(child)] = root(node.id) }
        }
        // A store's readers (joins) run in the task of its writer.
        var storeUsers: [String: Int] = [:]
        for node in nodes {
            for store in node.operation.storesUsed {
                if let user = storeUsers[store] { component[root(node.id)] = root(user) } else { storeUsers[store] = node.id }
            }
        }
        var order: [Int] = []
        for id in nodes.indices where !order.contains(root(id)) { order.append(root(id)) }
        return order.enumerated().map { index, member in
            let members = nodes.filter { root($0.id) == member }
            return Subtopology(
                id: index,
                sourceTopics: members.compactMap(\.operation.sourceTopic).sorted(),
                stores: members.compactMap(\.operation.storeName).sorted(),
                sinkTopics: Set(members.compactMap(\.operation.writtenTopic)).sorted())
        }
    }

    func add(_ name: String, _ operation: TopologyNode.Operation, parents: [TopologyNode.ID]) -> TopologyNode.ID {
        let id = nodes.count
        nodes.append(TopologyNode(id: id, name: name, operation: operation))
        for parent in parents { nodes[parent].children.append(id) }
        return id
    }
}
