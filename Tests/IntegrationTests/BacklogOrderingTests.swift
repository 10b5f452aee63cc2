import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// A backlog on four input partitions, re-keyed and counted in windows with a two-minute grace
/// (`topologies/examples/product-views.yml`), with the runner killed (`kill -9`) twice on the way.
///
/// The input's event times only ever increase, so no view is late. Processed in fetch order, one input
/// partition's hours would reach the repartition topic before another's minutes and most views would
/// come out late; processed in event-time order across the input partitions (as the stream thread
/// does, waiting for a partition that has records still to fetch), every view counts, after every
/// crash as without one. The reference is computed without StreamCore.
@Suite("A backlog on several partitions, in event-time order", .serialized)
struct BacklogOrderingTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"
    static let output = "product-views-per-minute"

    @Test func everyViewOfABacklogCountsThroughTwoKills() async throws {
        let events = GeneratedView.inEventTimeOrder(count: 6_000, seed: 19, users: 200, products: 30, maxStep: 2_000, viewsInTen: 7)
        let reference = ProductViewsReference(events, partitions: 4)
        #expect(reference.late == 0 && reference.finalResults.count > 1_000)

        let broker = try TestDevBroker(topics: ["customer-interactions:4"], topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("customer-interactions", events.map { ($0.user, $0.json) })
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        func start(port: Int = 0) throws -> TestRunnerProcess {
            try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
                "--state-dir", state.path, "--commit-interval-ms", "200", "--http-port", String(port),
            ])
        }
        for outputs in [100, 500] {
            let runner = try start()
            _ = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(120)) {
                $0[Self.output, default: []].count >= outputs
            }
            runner.stop(signal: SIGKILL)
        }
        // The last runner finishes what the killed ones left (maybe nothing: the second may have been
        // through); it has its partitions before it is asked to stop.
        let port = TestPorts.next()
        let last = try start(port: port)
        try await waitForPartitions(port: port, count: 8)  // customer-interactions and the repartition topic
        let (results, conflicting) = try await ProductViewsTopologyTests.finalResults(broker, expecting: reference, timeout: .seconds(180))
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).count), e.g. \(reference.finalResults.subtracting(results.values).sorted().prefix(3)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(3))")
        #expect(last.stop() == 0)
    }
}
