import Foundation
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run` on `topologies/examples/product-views.yml` against a 3-broker dev broker whose faults
/// are scripted over its control port while input keeps arriving: the group coordinator down, the
/// leader of the input and of internal and output partitions down, then retriable request errors.
/// The final counts must still equal ``ProductViewsReference``'s, with no result changing its content,
/// and the runner must neither crash nor hang.
@Suite("broker outages", .serialized)
struct BrokerOutageTests {
    static let group = "product-views"
    static let outage = Duration.seconds(15)
    /// Every partition the topology reads or writes: its input, repartition, changelog and output topics.
    static let partitions = [("customer-interactions", 0)] + [
        "product-views-by-product-repartition", "product-views-product-views-1m-changelog", ProductViewsTopologyTests.output,
    ].flatMap { topic in (0..<4).map { (topic, $0) } }

    @Test func coordinatorAndLeaderOutagesAndRequestErrorsLeaveFinalCountsExact() async throws {
        let events = GeneratedView.events(count: 3000, seed: 21)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try TestDevBroker(
            topics: ["customer-interactions:1"], topologies: [ProductViewsTopologyTests.topology], brokers: 3, controlPort: 0
        )
        // Leaders are spread at random at first: broker 1 leads everything, so that (a) takes away only
        // the coordinator (input keeps flowing and commits keep coming) and (b) only what it moves.
        for (topic, partition) in Self.partitions {
            try await broker.control("/topics/\(topic)/partitions/\(partition)/leader?broker=1")
        }
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: ProductViewsTopologyTests.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--commit-interval-ms", "200",
        ])
        // Input arrives throughout the faults, in order (one partition; the idempotent producer keeps
        // the order across its retries).
        let feeding = Task { try await Self.feed(events, to: broker, over: 55) }
        _ = try await TopicReader.read([ProductViewsTopologyTests.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(60)) {
            !$0[ProductViewsTopologyTests.output, default: []].isEmpty
        }

        // (a) The group's coordinator goes away for longer than the session timeout.
        try await broker.control("/coordinator?kind=group&key=\(Self.group)&broker=2")
        // Heartbeats (every second) to the former coordinator are answered NOT_COORDINATOR; the member
        // looks the coordinator up again and connects to broker 2 before it goes down.
        try await Task.sleep(for: .seconds(3))
        try await outage(of: 2, broker)

        // (b) The leader of the input partition, and of internal and output partitions, goes away.
        let ledByThree = [("customer-interactions", 0), ("product-views-by-product-repartition", 1), ("product-views-by-product-repartition", 2),
                          ("product-views-product-views-1m-changelog", 1), ("product-views-product-views-1m-changelog", 3),
                          ("product-views-per-minute", 0), ("product-views-per-minute", 2)]
        for (topic, partition) in ledByThree {
            try await broker.control("/topics/\(topic)/partitions/\(partition)/leader?broker=3")
        }
        try await Task.sleep(for: .seconds(3))
        try await outage(of: 3, broker)

        // (c) Retriable errors on the next requests of the producer, the fetcher and the committer; input
        // keeps arriving for a while yet, so all of them are met.
        try await broker.control("/errors?api=Produce&codes=NOT_LEADER_OR_FOLLOWER,NOT_LEADER_OR_FOLLOWER,NOT_LEADER_OR_FOLLOWER")
        try await broker.control("/errors?api=Fetch&codes=REQUEST_TIMED_OUT,REQUEST_TIMED_OUT,REQUEST_TIMED_OUT")
        try await broker.control("/errors?api=OffsetCommit&codes=COORDINATOR_NOT_AVAILABLE,COORDINATOR_NOT_AVAILABLE")

        try await feeding.value
        let (results, conflicting) = try await ProductViewsTopologyTests.finalResults(broker, expecting: reference, timeout: .seconds(60))
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")
        let exited = runner.waitForExit(timeout: .zero)
        let status = runner.stop()
        let log = runner.standardError
        #expect(exited == nil, "the runner exited by itself with status \(exited ?? 0); its log ends: \(log.suffix(2000))")
        #expect(status == 0)
        // The coordinator outage outlasted the session (10 s): the commit waiting for it failed and was
        // left to the next one, the member lost its partitions and rejoined, so the exact counts above
        // include re-processing after a lost assignment.
        #expect(log.contains("the group coordinator is unavailable"), "the commit waiting for the coordinator gave up without stopping the runner")
        #expect(log.contains("session timed out"), "librdkafka reports the lost session")
    }

    /// Takes broker `id` down for ``outage``, then up again.
    private func outage(of id: Int, _ broker: TestDevBroker) async throws {
        try await broker.control("/brokers/\(id)/down")
        try await Task.sleep(for: Self.outage)
        try await broker.control("/brokers/\(id)/up")
    }

    /// Produces `events` to partition 0 of `customer-interactions` in small batches spread evenly over
    /// `seconds`, on a thread of its own. Batches are only enqueued: while the partition's leader is down
    /// they wait in the producer, which delivers them in order once it is back.
    private static func feed(_ events: [GeneratedView], to broker: TestDevBroker, over seconds: Double) async throws {
        var logger = Logger(label: "outage-test-input")
        logger.logLevel = .warning
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: broker.bootstrapServers), logger: logger)
        let deliveries = DeliveryResults()
        let batches = stride(from: 0, to: events.count, by: 25).map { events[$0..<min($0 + 25, events.count)] }
        try await onOwnThread {
            for batch in batches {
                for event in batch {
                    let record = ProducerRecord(topic: "customer-interactions", partition: 0, key: Array(event.user.utf8), value: Array(event.json.utf8))
                    try producer.enqueueWaitingForRoom(record, completion: deliveries.record)
                }
                Thread.sleep(forTimeInterval: seconds / Double(batches.count))
            }
            try producer.close(timeout: .seconds(60))
        }
        if let failure = deliveries.firstFailure { throw failure }
    }
}
