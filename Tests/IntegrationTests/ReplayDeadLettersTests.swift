import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// `runner replay-dlq` against a dev broker and a running `runner run`: a record the topology cannot
/// read is dead-lettered; the replay puts its original bytes back into the partition it came from,
/// once per dead letter, and filters pass records over.
@Suite("runner replay-dlq")
struct ReplayDeadLettersTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"

    @Test func deadLettersGoBackToTheirSourcePartitionOnceEach() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        // Its own state directory: another test may run product-views.yml beside it.
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try await producer.send("customer-interactions", key: "C1", value: "not json at all")
        try await producer.send("customer-interactions", key: "C2", value: #"{"event":"Product Viewed","timestamp":"2026-11-27T10:00:00.000Z","properties":{"product_id":"P1"}}"#)
        try producer.close()
        func deadLetters(atLeast count: Int) async throws -> [ConsumerRecord] {
            try await TopicReader.read(["product-views-dlq"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(120), linger: .seconds(1)) { $0["product-views-dlq", default: []].count >= count }["product-views-dlq", default: []]
        }
        let first = try #require(try await deadLetters(atLeast: 1).first, "no dead letter; the runner logged: \(runner.standardError.suffix(2000))")
        let source = try #require(DeadLetterRecord(first))
        #expect(source.kind == "undecodable" && source.source.topic == "customer-interactions")

        let replay = ["replay-dlq", "--topology", Self.topology, "--bootstrap-servers", broker.bootstrapServers, "--log-level", "warning"]
        let dryRun = try runRunner(replay + ["--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.errors)")
        #expect(dryRun.output.contains("customer-interactions/\(source.source.partition)/\(source.sourceOffset)  undecodable at interactions"), "\(dryRun.output)")
        #expect(dryRun.output.contains("would replay 1 dead letters"), "\(dryRun.output)")
        let filtered = try runRunner(replay + ["--kind", "expression-failed", "--group", "expression-replays"])
        #expect(filtered.output.contains("replayed 0 dead letters; passed over 1"), "\(filtered.output)")

        let replayed = try runRunner(replay)
        #expect(replayed.output.contains("replayed 1 dead letters (1 to customer-interactions)"), "\(replayed.output)\(replayed.errors)")
        let input = try await TopicReader.read(["customer-interactions"], bootstrapServers: broker.bootstrapServers, linger: .seconds(1)) { $0["customer-interactions", default: []].count >= 3 }
        let again = input["customer-interactions", default: []].filter { $0.key == Array("C1".utf8) }
        #expect(again.count == 2)
        #expect(again.allSatisfy { $0.value == Array("not json at all".utf8) && $0.partition == source.source.partition })
        #expect(again.last?.headers.contains(KafkaHeader(DeadLetterRecord.replayedFromHeader, "product-views-dlq/\(first.partition)/\(first.offset)")) == true)

        // Still unreadable, so dead-lettered again; the next replay takes only that new dead letter.
        _ = try await deadLetters(atLeast: 2)
        let next = try runRunner(replay)
        #expect(next.output.contains("replayed 1 dead letters"), "\(next.output)")
        runner.stop()
    }
}
