import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TributaryTestSupport

/// A runner started on a topology its stored state no longer matches refuses to run, names the store
/// and what changed — from local state, and from the changelog alone on a machine without it — and
/// runs again once the application is reset.
@Suite("store evolution")
struct StoreEvolutionTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"

    @Test func aTopologyThatNoLongerMatchesItsStateIsRefusedUntilReset() async throws {
        let broker = try TestDevBroker(topics: ["customer-interactions:1"], topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("customer-interactions", GeneratedView.events(count: 300, seed: 3).map { (key: $0.user, value: $0.json) })
        try producer.close()
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let original = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--http-port", String(port), "--commit-interval-ms", "200",
        ])
        try await waitUntil(timeout: .seconds(60)) {
            guard let (body, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/stores/product-views-1m/range")!) else { return false }
            return (response as? HTTPURLResponse)?.statusCode == 200 && body.count > 100
        }
        #expect(original.stop() == 0)

        // The same application, counting in two-minute windows: another store layout.
        let changed = TemporaryDirectory("tributary-state")
        let changedTopology = changed.path + "/product-views.yml"
        try FileManager.default.createDirectory(atPath: changed.path, withIntermediateDirectories: true)
        try String(contentsOfFile: Self.topology, encoding: .utf8).replacingOccurrences(of: "tumbling: 1m", with: "tumbling: 2m")
            .write(toFile: changedTopology, atomically: true, encoding: .utf8)
        let elsewhere = TemporaryDirectory("tributary-state")
        for (stateDirectory, from) in [(state.path, "local state"), (elsewhere.path, "the changelog alone")] {
            let refused = try TestRunnerProcess(topology: changedTopology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", stateDirectory])
            let status = refused.waitForExit(timeout: .seconds(60))
            let errors = refused.standardError
            #expect(status != nil && status != 0, "refused (\(from))")
            #expect(errors.contains("state store 'product-views-1m'") && errors.contains("windows of 60000 ms") && errors.contains("windows of 120000 ms")
                    && errors.contains("runner reset"), "the store and the change are named (\(from)): \(errors.suffix(600))")
        }

        let reset = try runRunner(["reset", "--topology", changedTopology, "--bootstrap-servers", broker.bootstrapServers, "--state-dir", state.path, "--log-level", "warning"])
        #expect(reset.status == 0, "\(reset.errors)")
        let restarted = try TestRunnerProcess(topology: changedTopology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path])
        #expect(restarted.waitForExit(timeout: .seconds(10)) == nil, "after the reset the changed topology runs")
        #expect(restarted.stop() == 0)
    }
}
