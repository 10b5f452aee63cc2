import Logging

/// Makes the topics a topology needs exist before it runs (Kafka Streams' "make internal topics ready").
public enum TopicSetup {
    /// What was found and done for each topic.
    public struct Report: Sendable {
        public var created: [String] = []
        public var existing: [String] = []
        /// Topics that exist with another partition count than asked for.
        public var partitionMismatches: [(topic: String, existing: Int, declared: Int)] = []
        /// Topics that do not exist and could not be created here (no Admin API), with the reason.
        public var uncreatable: [(topic: String, reason: String)] = []
    }

    /// Creates the missing ones among `topics` (name → partitions) where the broker allows it, and
    /// reports every difference from what was asked, logging each. Existing topics are never changed.
    ///
    /// Only missing topics are sent to CreateTopics, so a broker without the Admin API (the dev broker)
    /// costs nothing when its topics were created up front. `creationTimeout` bounds how long a broker
    /// that never answers CreateTopics is waited for.
    /// `configs` (topic → configuration) are set on the topics this creates, such as compaction for
    /// changelogs (``Topology/internalTopicConfigs``); existing topics keep theirs.
    public static func ensure(
        _ topics: [String: Int], configs: [String: [String: String]] = [:], admin: KafkaAdminClient, creationTimeout: Duration = .seconds(10), logger: Logger
    ) throws(KafkaError) -> Report {
        var report = Report()
        let existing = try admin.partitionCounts()
        var missing: [KafkaAdminClient.TopicSpecification] = []
        for (topic, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            if let count = existing[topic] {
                report.existing.append(topic)
                if count != partitions { report.partitionMismatches.append((topic, count, partitions)) }
            } else {
                missing.append(.init(name: topic, partitions: partitions, configs: configs[topic] ?? [:]))
            }
        }
        for (topic, outcome) in try admin.createTopics(missing, timeout: creationTimeout).sorted(by: { $0.key < $1.key }) {
            switch outcome {
            case .created: report.created.append(topic)
            case .alreadyExists: report.existing.append(topic)
            case .notServedByBroker(let reason): report.uncreatable.append((topic, reason))
            }
        }
        for topic in report.created { logger.notice("created topic", metadata: ["topic": "\(topic)", "partitions": "\(topics[topic] ?? 0)"]) }
        for mismatch in report.partitionMismatches {
            logger.warning("topic has \(mismatch.existing) partitions, not the \(mismatch.declared) expected; keys may be partitioned differently than assumed",
                           metadata: ["topic": "\(mismatch.topic)"])
        }
        for (topic, reason) in report.uncreatable {
            logger.error("topic does not exist and could not be created; create it with \(topics[topic] ?? 0) partitions (or rely on broker auto-creation): \(reason)",
                         metadata: ["topic": "\(topic)"])
        }
        return report
    }
}
