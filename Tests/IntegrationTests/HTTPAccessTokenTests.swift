import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TributaryTestSupport

/// `runner run` with a bearer token: every endpoint but `/health` (and the dashboard page, which
/// holds no data) answers 401 without it or with a wrong one, and as usual with it.
@Suite("HTTP access token")
struct HTTPAccessTokenTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"

    /// The status of `GET path`, with `token` as bearer when given.
    private func status(port: Int, _ path: String, token: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test func requestsWithoutTheTokenAreRefusedExceptHealth() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let port = TestPorts.next()
        // Its own state directory: another test may run product-views.yml beside it (the default one
        // is shared, and RocksDB locks a store to one process).
        let state = TemporaryDirectory("tributary-state")
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port), "--state-dir", state.path],
                                           environment: ["TRIBUTARY_HTTP_TOKEN": "s3cret-token"])
        do {
            try await waitUntil(timeout: .seconds(90)) { (try? await status(port: port, "/health")) == 200 }
            // A key's query is answered (not 503) once the key's partition is assigned to an instance.
            try await waitUntil(timeout: .seconds(90)) { (try? await status(port: port, "/stores/product-views-1m/windows/P1", token: "s3cret-token")) == 200 }
        } catch {
            let exited = runner.waitForExit(timeout: .zero)
            runner.stop()
            Issue.record("the runner did not answer (exit status: \(exited.map(String.init) ?? "still running")); it logged: \(runner.standardError.suffix(2000))")
            throw error
        }
        for path in ["/metadata", "/metrics", "/stores", "/stores/product-views-1m/windows/P1"] {
            #expect(try await status(port: port, path) == 401, "\(path) without a token")
            #expect(try await status(port: port, path, token: "s3cret-tokeN") == 401, "\(path) with a wrong token")
            #expect(try await status(port: port, path, token: "s3cret-token") == 200, "\(path) with the token")
        }
        runner.stop()
        #expect(!runner.standardError.contains("s3cret-token"), "the token is never logged")
    }
}
