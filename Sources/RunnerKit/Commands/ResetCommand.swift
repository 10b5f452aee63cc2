import ArgumentParser
import Foundation
import Logging
import StreamCore

/// `runner reset`: start an application over, so that its next run processes its inputs from the
/// beginning into empty state (after a logic change that old state cannot follow).
struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Reset an application: committed input offsets back to the start, state emptied, local state removed.",
        discussion: """
            Every instance of the application must be stopped first; the reset refuses while one runs. \
            Input topics' committed offsets go back to the oldest record the broker holds; repartition \
            and feedback topics' go to their end (what they hold is produced again from the inputs); every \
            store's changelog is emptied with a tombstone per key and an empty checkpoint (on every broker, \
            also one without the Admin API); the local state directory of the application is removed on \
            this machine (local state elsewhere is emptied by its next restore). Output topics, the \
            dead-letter topic and sinks' topics are not touched: consumers of the outputs see the \
            results again.
            """
    )

    @Option(help: "The topology to reset.")
    var topology: String

    @Option(help: "The Kafka cluster, host:port[,host:port...].")
    var bootstrapServers: String

    @Option(help: "The state directory the application ran with (its <application-id> folder is removed).")
    var stateDir: String = StreamsConfiguration(bootstrapServers: "").stateDirectory

    @Flag(help: "Say what would be reset; change nothing.")
    var dryRun = false

    @OptionGroup var kafka: KafkaPropertiesOptions

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.makeLogger(label: "tributary.reset")
        guard let topology = try TopologyLoader.loadAll([self.topology], logger: logger).first?.topology else { return }
        let application = topology.applicationID
        let properties = try kafka.resolved()

        let running = try InstanceDirectory.liveInstances(of: application, bootstrapServers: bootstrapServers, kafkaProperties: properties, logger: logger)
        guard running.isEmpty else {
            let names = running.map { "\($0.instance)\($0.endpoint.map { " at \($0)" } ?? "")" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("application '\(application)' is running (\(names)); stop every instance, then reset\n".utf8))
            throw ExitCode(1)
        }

        let counts = try KafkaAdminClient(bootstrapServers: bootstrapServers, logger: logger, additionalProperties: properties).partitionCounts()
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: application)
        consumerConfiguration.additionalProperties = properties
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        defer { try? consumer.close() }
        let regenerated = Set(topology.repartitionTopics + topology.feedbackTopics)
        var offsets: [TopicPartition: Int64] = [:]
        for topic in topology.sourceTopics {
            for partition in (0..<Int32(counts[topic] ?? 0)).map({ TopicPartition(topic, $0) }) {
                let (low, high) = try consumer.watermarks(of: partition)
                offsets[partition] = regenerated.contains(topic) ? high : low
            }
            print("\(dryRun ? "would move" : "moving") group '\(application)' on \(topic) to its \(regenerated.contains(topic) ? "end (regenerated from the inputs)" : "start")")
        }
        let changelogs = topology.subtopologies.flatMap(\.stores).map(topology.changelogTopic(of:)).sorted()
        let stateDirectory = URL(fileURLWithPath: stateDir).appendingPathComponent(application).path
        if dryRun {
            for changelog in changelogs { print("would empty changelog \(changelog)") }
            print("would remove \(stateDirectory)")
            return
        }

        try commitAsSoleMember(offsets, of: topology.sourceTopics, with: consumer)
        for changelog in changelogs {
            var erased = 0
            for partition in 0..<Int32(counts[changelog] ?? 0) {
                erased += try ChangelogEraser.erase(TopicPartition(changelog, partition), bootstrapServers: bootstrapServers, kafkaProperties: properties, logger: logger)
            }
            print("emptied changelog \(changelog) (\(erased) keys)")
        }
        if FileManager.default.fileExists(atPath: stateDirectory) {
            try FileManager.default.removeItem(atPath: stateDirectory)
            print("removed \(stateDirectory)")
        }
        print("application '\(application)' reset; output topics, \(topology.deadLetterTopic) and sink topics keep what they hold")
    }

    /// Joins the group and commits `offsets` once it holds every partition: brokers (librdkafka's mock
    /// among them) accept commits from members, and holding everything proves no instance still runs.
    private func commitAsSoleMember(_ offsets: [TopicPartition: Int64], of topics: [String], with consumer: KafkaConsumer) throws {
        try consumer.subscribe(topics)
        let deadline = ContinuousClock.now + .seconds(60)
        while consumer.assignment != Set(offsets.keys) {
            guard ContinuousClock.now < deadline else {
                throw ResetRefused(description: "the application's group did not hand this reset all of its partitions within 60 s (it has \(consumer.assignment.count) of \(offsets.count)): another member still runs; stop it and reset again")
            }
            _ = try consumer.poll(timeout: .milliseconds(200))
        }
        try consumer.commit(offsets)
    }
}

/// The reset could not be done safely; nothing was committed.
struct ResetRefused: Error, CustomStringConvertible {
    var description: String
}
