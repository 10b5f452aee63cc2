import Foundation
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// A stream thread in this process against a dev broker in this process (no `runner`, no child
/// process): a topology built with StreamCore's own builder, counting words over two partitions. It
/// processes every partition, commits, and a thread started later — with its state directory gone —
/// restores its store from the changelog and continues from the committed offsets: no record counted
/// twice, none missed.
@Suite("Stream thread, in process")
struct StreamThreadTests {
    private let logger: Logger = {
        var logger = Logger(label: "stream-thread-test")
        logger.logLevel = .warning
        return logger
    }()

    /// `words` → count per word (store `counts`) → `counts`.
    private func topology() throws -> Topology {
        let builder = TopologyBuilder(applicationID: "words")
        builder.stream("words", topic: "words", keyFormat: .string, valueFormat: .string)
            .aggregate("count", Aggregation(store: "counts", windows: nil, initializer: { _ in .int(0) }, adder: { count, _ in .int((count.int64Value ?? 0) + 1) }))
            .to("out", topic: "counts", keyFormat: .string, valueFormat: .json)
        return try builder.build()
    }

    /// Runs the topology with `stateDirectory` until `body` returns, then stops it gracefully.
    private func running(_ topology: Topology, broker: DevBroker, stateDirectory: String, _ body: () async throws -> Void) async throws {
        var configuration = StreamsConfiguration(bootstrapServers: broker.bootstrapServers)
        configuration.stateDirectory = stateDirectory
        configuration.commitInterval = .milliseconds(100)
        try await IntegrationTests.running(StreamApplication(topology: topology, configuration: configuration, logger: logger), logger: logger, body)
    }

    /// Each word's newest count on `counts`, once every word in `expected` has reached its count.
    private func counts(on broker: DevBroker, reaching expected: [String: Int64]) async throws -> [String: Int64] {
        @Sendable func newest(_ records: [ConsumerRecord]) -> [String: Int64] {
            var newest: [String: Int64] = [:]
            for record in records {
                newest[String(decoding: record.key ?? [], as: UTF8.self)] = (try? JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)))?.int64Value
            }
            return newest
        }
        let read = try await TopicReader.read(["counts"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(60)) { newest($0["counts", default: []]) == expected }
        return newest(read["counts", default: []])
    }

    private func produce(_ words: [String], to broker: DevBroker) throws {
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("words", words.map { ($0, "seen") })
        try producer.close()
    }

    @Test func aRestartedThreadRestoresItsStoreAndContinuesFromItsCommit() async throws {
        let topology = try topology()
        let topics = Dictionary(uniqueKeysWithValues: (topology.sourceTopics + topology.sinkTopics + Array(topology.internalTopicConfigs.keys) + [topology.deadLetterTopic]).map { ($0, 2) })
        let broker = try DevBroker(configuration: .init(topics: KafkaAdminClient.TopicSpecification.list(topics)), logger: logger)
        let first = (0..<300).map { "w\($0 % 7)" }
        let second = (0..<200).map { "w\($0 % 9)" }
        #expect(Set(first.map { KeyPartitioner.partition(of: Array($0.utf8), partitions: 2) }) == [0, 1], "the words span both partitions")
        func tally(_ words: [String]) -> [String: Int64] { words.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

        let state = TemporaryDirectory("tributary-state")
        try produce(first, to: broker)
        try await running(topology, broker: broker, stateDirectory: state.path) {
            let counted = try await counts(on: broker, reaching: tally(first))
            #expect(counted == tally(first))
        }

        // The state directory is lost: the store comes back from its changelog, and only the new
        // records are counted on top of it.
        let elsewhere = TemporaryDirectory("tributary-state")
        try produce(second, to: broker)
        try await running(topology, broker: broker, stateDirectory: elsewhere.path) {
            let counted = try await counts(on: broker, reaching: tally(first + second))
            #expect(counted == tally(first + second))
        }
    }
}
