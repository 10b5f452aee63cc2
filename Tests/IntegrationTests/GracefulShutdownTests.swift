import Foundation
import Testing
import TributaryTestSupport

/// `runner run --shutdown-timeout-seconds`: a graceful shutdown that cannot finish (the broker hangs,
/// so nothing can be committed or flushed) is given up after the timeout, with exit status 1 and a
/// message saying what that means, instead of hanging forever.
@Suite("graceful shutdown timeout")
struct GracefulShutdownTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"

    @Test func aShutdownThatCannotFinishIsGivenUpAfterTheTimeout() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--shutdown-timeout-seconds", "3", "--http-port", String(port),
        ])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        let views = (0..<200).map { index in
            (key: "U\(index % 17)", value: #"{"event":"Product Viewed","timestamp":"2026-11-27T10:0\#(index / 60):\#(10 + index % 50).000Z","properties":{"product_id":"P\#(index % 9)"}}"#)
        }
        try producer.sendAll("customer-interactions", views)
        try producer.close()
        // Past the group join: the runner holds its eight input partitions (four of the input, four of
        // the repartition topic) and is processing and committing.
        try await waitForPartitions(port: port, count: 8)
        #expect(runner.waitForExit(timeout: .zero) == nil, "the runner runs")

        broker.pause()
        defer { broker.resume() }
        let stopping = ContinuousClock.now
        let status = runner.stop()
        let took = stopping.duration(to: .now)
        #expect(status == 1, "giving up is a failure exit")
        #expect(took < .seconds(15), "the runner gave up after about 3 s (took \(took))")
        #expect(runner.standardError.contains("did not stop in time"))
    }
}
