import ArgumentParser
import Foundation
import Logging
import StreamCore
import Synchronization
import Topologies

/// `runner replay-dlq`: after a fix, the records a topology dead-lettered go back to where they came
/// from, to be processed again.
struct ReplayDeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-dlq",
        abstract: "Re-inject a topology's dead-lettered records into their source topics (optionally only some errors).",
        discussion: """
            Reads <application-id>-dlq up to its end as of the start, and produces each dead letter's \
            original key, value, headers and timestamp to the topic and partition it was read from, with \
            a tributary.replayed-from header naming the dead letter. Progress is committed for the \
            consumer group (--group), so a second run replays only what was dead-lettered since; records \
            a filter passes over are passed over for that group too (use another --group to go over them \
            again). A record that fails again is dead-lettered again.
            """
    )

    @Option(help: "The topology whose dead letters to replay.")
    var topology: String

    @Option(help: "The Kafka cluster, host:port[,host:port...].")
    var bootstrapServers: String

    @Option(name: .customLong("kind"), help: "Replay only dead letters of this error kind (repeatable): undecodable, expression-failed, requirement-failed, invalid-event-time, null-key, late-record, or a sink's.")
    var kinds: [String] = []

    @Option(help: "Replay only dead letters refused by this step or sink.")
    var node: String?

    @Option(help: "The consumer group that remembers what was replayed (default <application-id>-dlq-replay).")
    var group: String?

    @Flag(help: "List what would be replayed; produce and commit nothing.")
    var dryRun = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = logging.makeLogger(label: "tributary.replay-dlq")
        guard let loaded = try TopologyLoader.loadAll([topology], logger: logger).first else { return }
        let application = loaded.definition.applicationID.value
        let deadLetterTopic = InternalTopics.deadLetters(of: application)
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: group ?? InternalTopics.deadLetterReplayGroup(of: application))
        configuration.initialPosition = .earliest
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        defer { try? consumer.close() }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        defer { try? producer.close() }

        let partitions = try KafkaAdminClient(bootstrapServers: bootstrapServers, logger: logger).partitionCounts()[deadLetterTopic] ?? 0
        var reader = try DeadLetterReader(consumer: consumer, topic: deadLetterTopic, partitions: partitions)
        let failures = Mutex<[String]>([])
        var replayed: [String: Int] = [:]
        var passedOver = 0
        var unreadable = 0
        while let record = try reader.next() {
            defer { if !dryRun { consumer.markProcessed(record) } }
            guard let deadLetter = DeadLetterRecord(record) else {
                unreadable += 1
                logger.warning("not a dead letter (no source headers); left alone", metadata: ["offset": "\(record.partition)/\(record.offset)"])
                continue
            }
            guard kinds.isEmpty || kinds.contains(deadLetter.kind), node.map({ $0 == deadLetter.node }) ?? true else {
                passedOver += 1
                continue
            }
            if dryRun {
                print("\(deadLetter.source.topic)/\(deadLetter.source.partition)/\(deadLetter.sourceOffset)  \(deadLetter.kind) at \(deadLetter.node): \(deadLetter.reason)")
            } else {
                try producer.enqueueWaitingForRoom(deadLetter.replay(from: record)) { result in
                    if case .failure(let error) = result { failures.withLock { $0.append("\(error)") } }
                }
            }
            replayed[deadLetter.source.topic, default: 0] += 1
        }
        if !dryRun {
            try producer.flush()
            // Nothing is committed unless everything arrived: the next run then replays it all again.
            let failed = failures.withLock { $0 }
            guard failed.isEmpty else { throw ReplayFailed(errors: failed) }
            try consumer.commit()
        }
        let counts = replayed.sorted { $0.key < $1.key }.map { "\($0.value) to \($0.key)" }.joined(separator: ", ")
        print("\(dryRun ? "would replay" : "replayed") \(replayed.values.reduce(0, +)) dead letters\(counts.isEmpty ? "" : " (\(counts))"); passed over \(passedOver); not dead letters \(unreadable)")
    }
}

/// Some replayed records were not delivered; nothing was committed.
struct ReplayFailed: Error, CustomStringConvertible {
    var errors: [String]
    var description: String { "\(errors.count) replayed records were not delivered (nothing committed; run again): \(errors.prefix(3).joined(separator: "; "))" }
}
