import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// The records that once stopped event-time topologies, produced to `tracking-events` amid ordinary
/// traffic and carried through the shop as in production: the router (`topologies/interactions.yml`)
/// routes them to `customer-interactions`, where product-views counts views per minute. Each hostile
/// record is dead-lettered with its kind and reason (by whichever runner meets the problem), both
/// runners keep running, and every other view counts exactly, against a count made without StreamCore.
@Suite("Hostile tracking events through the shop")
struct HostileTrackingEventsTests {
    static let router = repositoryRoot + "/topologies/interactions.yml"
    static let productViews = repositoryRoot + "/topologies/examples/product-views.yml"

    @Test func hostileRecordsAreDeadLetteredAndEveryOtherViewCounts() async throws {
        // Ordinary traffic in event-time order: with times that only increase, no view is late.
        let events = GeneratedView.inEventTimeOrder(count: 3_000, seed: 31, users: 100, products: 20, maxStep: 1_000)
        let reference = ProductViewsReference(events, partitions: 4)
        #expect(reference.late == 0 && reference.finalResults.count > 300)

        let hostile = GeneratedView.hostile(hugeValueTime: events[1_500].time)
        var traffic = events.map { ($0.user, $0.json) }
        for (index, record) in hostile.enumerated() { traffic.insert((record.view.user, record.view.json), at: 200 + index * 400) }

        let broker = try TestDevBroker(topologies: [Self.router, Self.productViews])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("tracking-events", traffic)
        try producer.close()
        func start(_ topology: String) throws -> TestRunnerProcess {
            try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
                "--state-dir", TemporaryDirectory("tributary-state").path, "--commit-interval-ms", "200", "--max-event-time-skew-hours", "168",
            ])
        }
        // The router first, through all of it: product-views then meets a backlog on four partitions,
        // each in event-time order (the router routes in event time), and processes it in event-time
        // order across them. Started together, product-views could take one partition's newest views
        // before another's older ones were written: arrival-order drift, which is not this test's subject.
        let router = try start(Self.router)
        _ = try await TopicReader.read(["customer-interactions"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(120), linger: .seconds(2)) {
            $0["customer-interactions", default: []].count >= events.count
        }
        let productViews = try start(Self.productViews)
        let (results, conflicting) = try await ProductViewsTopologyTests.finalResults(broker, expecting: reference, timeout: .seconds(120))
        #expect(conflicting.isEmpty)
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")

        let deadLetterTopics = ["shop-interactions-dlq", "product-views-dlq"]
        let letters = try await TopicReader.read(deadLetterTopics, bootstrapServers: broker.bootstrapServers, linger: .seconds(2)) {
            $0.values.reduce(0) { $0 + $1.count } >= hostile.count
        }.values.flatMap { $0 }.compactMap(DeadLetterRecord.init)
        for entry in hostile {
            let letter = letters.first { String(decoding: $0.key ?? [], as: UTF8.self) == entry.view.user }
            #expect(letter?.kind == entry.kind && letter?.reason.contains(entry.reason) == true, "\(entry.view.user): \(letter.map { "\($0.kind): \($0.reason)" } ?? "no dead letter")")
        }
        #expect(letters.count == hostile.count, "only the hostile records are dead-lettered: \(letters.map { "\($0.kind): \($0.reason.prefix(120))" })")
        for runner in [router, productViews] {
            #expect(runner.waitForExit(timeout: .zero) == nil, "the runner kept running")
            #expect(runner.stop() == 0)
        }
    }
}
