import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// Several `runner run` instances of `topologies/examples/product-views.yml` share a 12-partition
/// input, each task with a standby copy on another instance. Final counts, the store and queries sent
/// to any live instance are compared with an independent computation.
///
/// Views are produced in event-time order, paced against the wall clock, so that an instance that
/// falls behind — starved on a loaded machine, or stalled while the group notices a killed member and
/// rebalances — stays within the topology's 2-minute grace: no record is late and every view counts.
@Suite("runners of one application", .serialized)
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

    /// The cluster case CI runs: two instances share the work; 10,000 views at about 6 times real time.
    /// Either instance answers any product (forwarding to its owner) and the whole store; once one
    /// stops, the other takes its tasks over from their standbys and still answers every product.
    /// With two stream threads each, four group members share the twelve partitions, and the standby
    /// copies are kept beside tasks active on the other thread.
    @Test(arguments: [1, 2]) func twoInstancesShareTheWorkAndEitherAnswersAnyKey(threads: Int) async throws {
        let views = Self.views(count: 10_000)
        let cluster = try await Cluster(instances: 2, threads: threads)
        try await cluster.produce(views, batchPause: .milliseconds(750))
        try await cluster.expectExactResults(for: views, askingPorts: cluster.ports)
        #expect(cluster.stop(1) == 0, "a stopped instance commits and exits 0")
        try await cluster.expectAnswers(for: views, askingPorts: [cluster.ports[0]])
        #expect(cluster.stop(0) == 0)
    }

    /// The acceptance drill: three instances while 50,000 views flow at about 1.8 times real time; the
    /// first is killed with SIGKILL after 12.5 s and back 7.5 s later, the second stopped with SIGTERM
    /// after 30 s. A stalled upstream task (10 s session timeout, a 9 s rebalance on the dev broker,
    /// more when it sends a member back to rejoin) falls well under a minute behind the others.
    @Test(.acceptance) func killedAndStoppedInstancesLoseNothingAndAnyInstanceAnswers() async throws {
        let views = Self.views(count: 50_000)
        let cluster = try await Cluster(instances: 3)
        try await cluster.produce(views, batchPause: .milliseconds(500)) { batch in
            switch batch {
            case 25: cluster.kill(0)
            case 40: try cluster.start(0)
            case 60: #expect(cluster.stop(1) == 0, "a stopped instance commits and exits 0")
            default: break
            }
        }
        try await cluster.expectExactResults(for: views, askingPorts: [cluster.ports[0], cluster.ports[2]])
        #expect(cluster.stop(0) == 0)
        #expect(cluster.stop(2) == 0)
    }

    /// A dev broker with the 12-partition input and `instances` runners of one application, which
    /// the initialiser waits for until every instance holds partitions.
    final class Cluster {
        let broker: TestDevBroker
        let states: [TemporaryDirectory]
        /// Each instance's HTTP port; a restarted instance gets a new one.
        private(set) var ports: [Int]
        private var runners: [TestRunnerProcess?]

        /// Stream threads per instance.
        let threads: Int

        init(instances: Int, threads: Int = 1) async throws {
            self.threads = threads
            broker = try TestDevBroker(topics: ["\(ScaleOutTests.input):12"], topologies: [ScaleOutTests.topology])
            states = (0..<instances).map { _ in TemporaryDirectory("tributary-state") }
            ports = Array(repeating: 0, count: instances)
            runners = Array(repeating: nil, count: instances)
            for instance in 0..<instances { try start(instance) }
            // How long the group takes to settle does not matter here, only that it does. The dev broker
            // waits a session timeout less one second for every member change, and a member whose
            // SyncGroup comes after the leader's is sent back to rejoin: on a loaded machine that can
            // repeat several times.
            do {
                try await waitUntil(timeout: .seconds(180)) { await ScaleOutTests.instancesWithPartitions(port: self.ports[0]) == instances }
            } catch {
                throw TestFailure("the \(instances) instances did not all get partitions within 180 s:\(await report())")
            }
        }

        func start(_ instance: Int) throws {
            ports[instance] = TestPorts.next()
            runners[instance] = try TestRunnerProcess(topology: ScaleOutTests.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
                "--state-dir", states[instance].path, "--http-port", String(ports[instance]), "--commit-interval-ms", "200",
                "--standby-replicas", "1", "--log-level", "info", "--threads", String(threads),
            ])
        }

        func kill(_ instance: Int) { runners[instance]?.stop(signal: SIGKILL) }

        /// Stops the instance with SIGTERM and returns its exit status.
        func stop(_ instance: Int) -> Int32 { runners[instance]?.stop() ?? -1 }

        /// Produces `views` 250 at a time, `batchPause` apart, calling `afterBatch` with each batch's
        /// number; then one later view of every product, which moves every task's stream time past the
        /// last window's grace.
        func produce(_ views: [View], batchPause: Duration, afterBatch: (Int) throws -> Void = { _ in }) async throws {
            let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
            for (batch, views) in views.chunked(into: 250).enumerated() {
                try producer.sendAll(ScaleOutTests.input, views.map { (key: $0.user, value: $0.json) })
                try afterBatch(batch)
                try await Task.sleep(for: batchPause)
            }
            try producer.sendAll(ScaleOutTests.input, (1...120).map { (key: "U0", value: View(user: "U0", product: "P\($0)", time: ScaleOutTests.closing).json) })
            try producer.close()
        }

        /// Final counts on the output topic, each window once with one count, equal to the reference;
        /// then ``expectAnswers(for:askingPorts:)``.
        func expectExactResults(for views: [View], askingPorts ports: [Int]) async throws {
            let reference = ScaleOutTests.reference(views)
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
            try await expectAnswers(for: views, askingPorts: ports)
        }

        /// Any product's windows, asked of each instance in `ports`, whichever holds the product; and
        /// the whole store gathered from every instance.
        func expectAnswers(for views: [View], askingPorts ports: [Int]) async throws {
            let reference = ScaleOutTests.reference(views)
            let closingWindow = ScaleOutTests.closing - ScaleOutTests.closing % ScaleOutTests.minute
            for port in ports {
                var wrong: [String] = []
                for product in (1...120).map({ "P\($0)" }) {
                    let answered = try await ScaleOutTests.windows(of: product, port: port, before: closingWindow)
                    let wanted = reference.filter { $0.hasPrefix("\(product)|") }
                    if answered != wanted { wrong.append("\(product): \(answered.subtracting(wanted).sorted().prefix(2)) instead of \(wanted.subtracting(answered).sorted().prefix(2))") }
                }
                #expect(wrong.isEmpty, "instance on port \(port) answered wrongly for \(wrong.count) products: \(wrong.prefix(3))")
                // The whole store, gathered from every instance (less the closing views' windows).
                let closing = "|\(GeneratedView.iso(closingWindow))|"
                let whole = try await ScaleOutTests.answer(port: port, path: "/stores/product-views-1m/range?limit=100000").filter { !$0.contains(closing) }
                #expect(whole == reference, "range query to port \(port): missing \(reference.subtracting(whole).sorted().prefix(3)); unexpected \(whole.subtracting(reference).sorted().prefix(3))")
            }
        }

        /// What each instance says of the application (`/metadata`) and, once stopped, what it logged.
        func report() async -> String {
            var report = ""
            for (index, runner) in runners.enumerated() {
                let metadata = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(ports[index])/metadata")!).0
                let status = runner?.stop() ?? -1
                report += "\ninstance \(index) on port \(ports[index]): metadata \(metadata.map { String(decoding: $0, as: UTF8.self) } ?? "none"); "
                    + "exit status \(status); log:\n\(runner?.standardError.suffix(3000) ?? "")"
            }
            return report
        }
    }

    /// The time of the closing views: well past the last window's end and grace.
    static let closing = windowStart + 12 * minute

    /// The reference: every view counts in its minute, as `product|start|end|count`, computed without StreamCore.
    static func reference(_ views: [View]) -> Set<String> {
        var expected: [String: Int] = [:]
        for view in views {
            let start = view.time - view.time % minute
            expected["\(view.product)|\(GeneratedView.iso(start))|\(GeneratedView.iso(start + minute))", default: 0] += 1
        }
        return Set(expected.map { "\($0.key)|\($0.value)" })
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

    /// `product|start|end|count` of the windows the instance on `port` answers for `path`, asking
    /// again while it cannot answer yet: for up to 60 s, as a hand-over waits for a rebalance, which the
    /// dev broker holds for most of a session timeout per member change, and with two stream threads
    /// an instance has two members to rejoin.
    static func answer(port: Int, path: String) async throws -> Set<String> {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        var last = ""
        for _ in 0..<300 {
            let (body, response) = try await URLSession.shared.data(from: url)
            let status = (response as? HTTPURLResponse)?.statusCode ?? -1
            if status == 200, let windows = try JSONValue(parsing: Array(body)).arrayValue {
                return Set(windows.map { window in
                    ["key", "window_start", "window_end"].map { window[$0]?.stringValue ?? "-" }.joined(separator: "|") + "|\(window["value"]?.int64Value ?? -1)"
                })
            }
            last = "\(status) \(String(decoding: body.prefix(300), as: UTF8.self))"
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("no answer to \(path) from port \(port) within 60 s; the last: \(last)")
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
