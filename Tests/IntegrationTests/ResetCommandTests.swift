import Foundation
import Logging
import StreamCore
import Testing
import TributaryTestSupport

/// `runner reset` on `topologies/examples/product-views.yml`: refused while an instance runs; after it,
/// the next run processes the input again from the start into empty state — every final result is
/// written a second time, and the store holds the same counts as after the first run, not double.
@Suite("runner reset")
struct ResetCommandTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"
    static let output = "product-views-per-minute"

    @Test func aResetApplicationProcessesItsInputAgainIntoEmptyState() async throws {
        let events = GeneratedView.events(count: 1500, seed: 21)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try TestDevBroker(topics: ["customer-interactions:1"], topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("customer-interactions", events.map { (key: $0.user, value: $0.json) })
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        func startRunner(port: Int = 0) throws -> TestRunnerProcess {
            try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
                "--state-dir", state.path, "--http-port", String(port), "--commit-interval-ms", "200",
            ])
        }
        /// How many times each final result was written so far.
        func writtenFinalResults(atLeast copies: Int) async throws -> [String: Int] {
            let records = try await TopicReader.read([Self.output], bootstrapServers: broker.bootstrapServers, timeout: .seconds(90)) { read in
                read[Self.output, default: []].count >= copies * reference.finalResults.count
            }
            return records[Self.output, default: []].reduce(into: [:]) { $0[ProductViewsTopologyTests.describe($1), default: 0] += 1 }
        }
        let reset = ["reset", "--topology", Self.topology, "--bootstrap-servers", broker.bootstrapServers, "--state-dir", state.path, "--log-level", "warning"]

        let first = try startRunner()
        let once = try await writtenFinalResults(atLeast: 1)
        #expect(Set(once.keys) == reference.finalResults)
        let refused = try runRunner(reset)
        #expect(refused.status == 1 && refused.errors.contains("is running"), "reset refuses while an instance runs: \(refused.errors)")
        #expect(first.stop() == 0)

        let done = try runRunner(reset)
        #expect(done.status == 0, "\(done.output) \(done.errors)")
        #expect(done.output.contains("emptied changelog product-views-product-views-1m-changelog"), "\(done.output)")
        #expect(!FileManager.default.fileExists(atPath: state.path + "/product-views"), "local state removed")

        let port = TestPorts.next()
        let second = try startRunner(port: port)
        let twice = try await writtenFinalResults(atLeast: 2)
        #expect(Set(twice.keys) == reference.finalResults, "the same results again")
        #expect(twice.values.allSatisfy { $0 >= 2 }, "every final result written again: \(twice.filter { $0.value < 2 }.prefix(3))")
        let stored = try await ProductViewsTopologyTests.storeContents(port: port, expected: reference.storeContents)
        #expect(stored == reference.storeContents, "counts start from zero, not from the first run's: \(stored.subtracting(reference.storeContents).sorted().prefix(3))")
        #expect(second.stop() == 0)
    }
}
