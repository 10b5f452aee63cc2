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
        Set(nodes.compactMap(\.operation.writtenTopic)).sorted()
    }

    /// The internal topics records are re-keyed through, sorted.
    public var repartitionTopics: [String] {
        nodes.compactMap { node -> String? in
            if case .repartitionSource(let topic) = node.operation { return topic }
            return nil
        }.sorted()
    }

    /// Topics this topology writes with a `to` and reads back as a source: feedback loops (an order's
    /// reservation request goes to the product's task, whose answer comes back to the order's task).
    /// Records written to them carry their origin, as repartition records do, so the reading task
    /// applies each once even when a crash makes the writer produce it twice.
    public var feedbackTopics: [String] {
        let written = Set(nodes.compactMap { node -> String? in
            if case .sink(let topic, _, _) = node.operation { return topic }
            return nil
        })
        let read = Set(nodes.compactMap { node -> String? in
            if case .source(let topic, _, _, _) = node.operation { return topic }
            return nil
        })
        return written.intersection(read).sorted()
    }

    /// Topics whose records carry ``OriginHeaders`` that the reading task de-duplicates by: the
    /// repartition and the feedback topics.
    public var topicsCarryingOrigin: Set<String> { Set(repartitionTopics).union(feedbackTopics) }

    /// Where records that cannot be processed go, with the reason in headers.
    public var deadLetterTopic: String { InternalTopics.deadLetters(of: applicationID) }

    /// Where the runner instances of an application advertise their HTTP endpoints and partitions
    /// (one partition: every instance reads all of it).
    public static func instancesTopic(of applicationID: String) -> String { InternalTopics.instances(of: applicationID) }

    /// The configuration the topics this topology owns need on a real cluster, as Kafka Streams sets
    /// them: changelogs compacted (a store is rebuilt from one record per key, however old), those of
    /// windowed stores also deleted a day after the store's retention; the instances topic kept an hour
    /// (only its newest advertisements matter).
    public var internalTopicConfigs: [String: [String: String]] {
        var configs: [String: [String: String]] = [Self.instancesTopic(of: applicationID): ["cleanup.policy": "delete", "retention.ms": "3600000"]]
        for store in subtopologies.flatMap(\.stores) {
            configs[changelogTopic(of: store)] = ["cleanup.policy": "compact"]
        }
        for node in nodes {
            guard case .aggregate(let aggregation) = node.operation, aggregation.windows != nil, aggregation.retention < .max - 86_400_000 else { continue }
            configs[changelogTopic(of: aggregation.store)] = ["cleanup.policy": "compact,delete", "retention.ms": String(aggregation.retention + 86_400_000)]
        }
        return configs
    }

    /// The changelog topic of a state store: `<application-id>-<store>-changelog`.
    public func changelogTopic(of store: String) -> String { InternalTopics.changelog(of: store, in: applicationID) }

    /// Whether `subtopology` writes a topic this topology reads (a repartition or a feedback topic): its
    /// tasks then feed the same downstream partitions, whose tasks' stream time is the largest event
    /// time they have seen from any of them.
    public func writesTopicsItReads(_ subtopology: Subtopology) -> Bool {
        !topicsCarryingOrigin.isDisjoint(with: subtopology.sinkTopics)
    }

    /// The sub-topology that reads `topic`.
    public func subtopology(reading topic: String) -> Subtopology? {
        subtopologies.first { $0.sourceTopics.contains(topic) }
    }

    /// The tasks of each sub-topology, in sub-topology order: one per partition number of its sources
    /// (their largest partition count; a topic missing from `partitionCounts` counts as one).
    public func taskCounts(partitionCounts: [String: Int]) -> [Int] {
        subtopologies.map { subtopology in subtopology.sourceTopics.map { partitionCounts[$0] ?? 1 }.max() ?? 1 }
    }
}
