import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// Three `runner run` instances of `topologies/examples/product-views.yml` share a 12-partition input
/// while 50,000 events flow: one is killed with SIGKILL mid-stream and restarted a little later,
/// another is stopped with SIGTERM. Final counts, the store and queries sent to any live instance are
/// compared with an independent computation. Each task has a standby copy on another instance, so
/// failovers take over warm state.
///
/// Event time advances about 1.8 times faster than wall-clock time, so an upstream task that stalls
/// for the group to notice a killed instance (10 s session timeout) and rebalance (9 s on the dev
/// broker, more when it sends a member back to rejoin) falls well under a minute behind the others:
/// within the topology's 2-minute grace, so no record is late and every view counts.
@Suite("three runners, one application", .serialized)
struct ScaleOutTests {
    static let topology = repositoryRoot + "/topologies/examples/product-views.yml"
    static let input = "customer-interactions"
    static let windowStart: Int64 = 1_795_773_600_000  // 2026-11-27T10:00:00Z
    static let minute: Int64 = 60_000

    /// One generated view: who, which product, when (epoch milliseconds).
    struct View {
        var user: String
        var product: String
        var time: Int64
        var json: String {
            #"{"type":"track","event":"Product Viewed","userId":"\#(user)","timestamp":"\#(GeneratedView.iso(time))","properties":{"product_id":"\#(product)"}}"#
        }
    }

    /// `count` views of 120 products by 500 users over three minutes of event time, up to 5 s out of order.
    static func views(count: Int) -> [View] {
        var random = SeededRandom(seed: 50_000)
        let span = 3 * minute
        return (0..<count).map { index in
            let time = windowStart + span * Int64(index) / Int64(count) - Int64.random(in: 0..<5000, using: &random)
            return View(user: "U\(Int.random(in: 0..<500, using: &random))", product: "P\(Int.random(in: 1...120, using: &random))", time: max(windowStart, time))
        }
    }

    @Test func killedAndStoppedInstancesLoseNothingAndAnyInstanceAnswers() async throws {
        let views = Self.views(count: 50_000)
        // The reference: every view counts in its minute, computed without StreamCore.
        var expected: [String: Int] = [:]
        for view in views {
            let start = view.time - view.time % Self.minute
            expected["\(view.product)|\(GeneratedView.iso(start))|\(GeneratedView.iso(start + Self.minute))", default: 0] += 1
        }
        let reference = Set(expected.map { "\($0.key)|\($0.value)" })

        let broker = try TestDevBroker(topics: ["\(Self.input):12"], topologies: [Self.topology])
        let states = (0..<3).map { _ in TemporaryDirectory("tributary-state") }
        func start(_ index: Int) throws -> (runner: TestRunnerProcess, port: Int) {
            let port = TestPorts.next()
            let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
                "--state-dir", states[index].path, "--http-port", String(port), "--commit-interval-ms", "200", "--standby-replicas", "1", "--log-level", "info",
            ])
            return (runner, port)
        }
        var (first, second, third) = (try start(0), try start(1), try start(2))
        // How long the group takes to settle does not matter here, only that it does. The dev broker waits
        // a session timeout less one second for every member change, and a member whose SyncGroup comes
        // after the leader's is sent back to rejoin: on a loaded machine that can repeat several times.
        do {
            try await waitUntil(timeout: .seconds(180)) { await Self.instancesWithPartitions(port: third.port) == 3 }
        } catch {
            throw TestFailure("the three instances did not all get partitions within 180 s:\(await Self.report([first, second, third]))")
        }

        // 250 views every 0.5 s; the first instance is killed after 12.5 s and back 7.5 s later, the
        // second stopped after 30 s.
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        for (batch, views) in views.chunked(into: 250).enumerated() {
            try producer.sendAll(Self.input, views.map { (key: $0.user, value: $0.json) })
            switch batch {
            case 25: first.runner.stop(signal: SIGKILL)
            case 40: first = try start(0)
            case 60: #expect(second.runner.stop() == 0, "a stopped instance commits and exits 0")
            default: break
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        // One later view of every product moves every task's stream time past the last window's grace.
        let closing = Self.windowStart + 12 * Self.minute
        try producer.sendAll(Self.input, (1...120).map { (key: "U0", value: View(user: "U0", product: "P\($0)", time: closing).json) })
        try producer.close()

        let records = try await TopicReader.read(["product-views-per-minute"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(150), linger: .seconds(3)) { read in
            Set(read["product-views-per-minute", default: []].map(ProductViewsTopologyTests.id)).count >= reference.count
        }["product-views-per-minute", default: []]
        var countsByWindow: [String: Set<String>] = [:]
        var byID: [String: String] = [:]
        for record in records {
            let result = ProductViewsTopologyTests.describe(record)
            countsByWindow[String(result[..<result.lastIndex(of: "|")!]), default: []].insert(result)
            byID[ProductViewsTopologyTests.id(record)] = result
        }
        let twice = countsByWindow.values.filter { $0.count > 1 }
        #expect(twice.isEmpty, "windows emitted with two different final counts: \(twice.prefix(3))")
        let results = Set(byID.values)
        #expect(results == reference, "missing: \(reference.subtracting(results).sorted().prefix(5)); unexpected: \(results.subtracting(reference).sorted().prefix(5))")

        // Any product's windows, asked of either live instance, whichever holds the product.
        for port in [first.port, third.port] {
            var wrong: [String] = []
            for product in (1...120).map({ "P\($0)" }) {
                let answered = try await Self.windows(of: product, port: port, before: closing - closing % Self.minute)
                let wanted = reference.filter { $0.hasPrefix("\(product)|") }
                if answered != wanted { wrong.append("\(product): \(answered.subtracting(wanted).sorted().prefix(2)) instead of \(wanted.subtracting(answered).sorted().prefix(2))") }
            }
            #expect(wrong.isEmpty, "instance on port \(port) answered wrongly for \(wrong.count) products: \(wrong.prefix(3))")
            // The whole store, gathered from both instances (less the closing views' windows).
            let closingWindow = "|\(GeneratedView.iso(closing - closing % Self.minute))|"
            let whole = try await Self.answer(port: port, path: "/stores/product-views-1m/range?limit=100000").filter { !$0.contains(closingWindow) }
            #expect(whole == reference, "range query to port \(port): missing \(reference.subtracting(whole).sorted().prefix(3)); unexpected \(whole.subtracting(reference).sorted().prefix(3))")
        }
        #expect(first.runner.stop() == 0)
        #expect(third.runner.stop() == 0)
    }

    /// What each instance says of the application (`/metadata`) and, once stopped, what it logged.
    static func report(_ instances: [(runner: TestRunnerProcess, port: Int)]) async -> String {
        var report = ""
        for (index, instance) in instances.enumerated() {
            let metadata = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(instance.port)/metadata")!).0
            let status = instance.runner.stop()
            report += "\ninstance \(index) on port \(instance.port): metadata \(metadata.map { String(decoding: $0, as: UTF8.self) } ?? "none"); "
                + "exit status \(status); log:\n\(instance.runner.standardError.suffix(3000))"
        }
        return report
    }

    /// How many live instances the runner on `port` knows that process partitions.
    static func instancesWithPartitions(port: Int) async -> Int {
        guard let (body, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metadata")!),
              let metadata = try? JSONValue(parsing: Array(body)),
              let instances = metadata["applications"]?[0]?["instances"]?.arrayValue
        else { return 0 }
        return instances.filter { !($0["partitions"]?.arrayValue ?? []).isEmpty }.count
    }

    /// `product|start|end|count` of the product's windows starting before `end`, as the instance on
    /// `port` answers (retrying while the key's owner is being handed over).
    static func windows(of product: String, port: Int, before end: Int64) async throws -> Set<String> {
        try await answer(port: port, path: "/stores/product-views-1m/windows/\(product)?to=\(end - 1)")
    }

    /// `product|start|end|count` of the windows the instance on `port` answers for `path`.
    static func answer(port: Int, path: String) async throws -> Set<String> {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        for _ in 0..<50 {
            let (body, response) = try await URLSession.shared.data(from: url)
            if (response as? HTTPURLResponse)?.statusCode == 200, let windows = try JSONValue(parsing: Array(body)).arrayValue {
                return Set(windows.map { window in
                    ["key", "window_start", "window_end"].map { window[$0]?.stringValue ?? "-" }.joined(separator: "|") + "|\(window["value"]?.int64Value ?? -1)"
                })
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("no answer to \(path) from port \(port)")
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
