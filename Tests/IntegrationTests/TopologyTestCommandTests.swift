import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// `runner test`: the examples' test cases pass in-process, a wrong expectation fails with its
/// location and both records, and the in-process driver agrees with a real run on a dev broker.
@Suite("runner test")
struct TopologyTestCommandTests {
    static let examples = ["product-views", "order-enrichment", "browsing-sessions", "abandoned-carts", "cart-conversions", "contacts-to-salesforce", "order-baskets", "cart-reminders", "recently-viewed", "unique-tracking-events", "trending-products"].map { repositoryRoot + "/topologies/examples/\($0).yml" }

    @Test func theExamplesAndShopTopologiesTestCasesPass() throws {
        // A test file among the arguments (as a *.yml glob gives) is skipped, not read as a topology;
        // a directory stands for the topologies in it (the shop's).
        let result = try runRunner(["test"] + Self.examples + [repositoryRoot + "/topologies/", TopologyTestParser.testFile(for: Self.examples[0])])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("61 of 61 test cases passed"), "\(result.output)")
        // Over four partitions, one task per partition: no case depends on keys meeting by chance.
        let partitioned = try runRunner(["test", "--partitions", "4"] + Self.examples + [repositoryRoot + "/topologies/"])
        #expect(partitioned.status == 0, "\(partitioned.output)\(partitioned.errors)")
        #expect(partitioned.output.contains("61 of 61 test cases passed"), "\(partitioned.output)")
    }

    /// `conformance/`: cases copied from Kafka Streams' own unit tests, each named after the test method it
    /// copies (`KStreamKStreamJoinTest#testWindowing: ...`), give Kafka Streams' answers.
    @Test func theKafkaStreamsConformanceSuitePasses() throws {
        let directory = repositoryRoot + "/conformance/"
        let testFiles = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(TopologyTestParser.testFileSuffix) }
        let cases = try testFiles.flatMap { try TopologyTestParser.parse(fileAt: directory + $0).cases }
        #expect(cases.count >= 80)
        let uncited = cases.map(\.name).filter { $0.wholeMatch(of: /[A-Za-z]+Test#\w+: .+/) == nil }
        #expect(uncited.isEmpty, "every case names the Kafka Streams test it copies: \(uncited)")
        let result = try runRunner(["test", directory])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("\(cases.count) of \(cases.count) test cases passed"), "\(result.output)")
    }

    @Test func aWrongExpectationFailsNamingWhereAndWhatDiffers() throws {
        let temporary = TemporaryDirectory("runner-test")
        let directory = temporary.path
        let topology = directory + "/product-views.yml"
        try FileManager.default.copyItem(atPath: Self.examples[0], toPath: topology)
        let tests = try String(contentsOfFile: TopologyTestParser.testFile(for: Self.examples[0]), encoding: .utf8)
        try tests.replacingOccurrences(of: "count: 2 }", with: "count: 3 }").write(toFile: directory + "/product-views.test.yml", atomically: true, encoding: .utf8)
        let result = try runRunner(["test", topology])
        #expect(result.status == 1)
        #expect(result.output.contains("FAIL \(topology): a window's final count"))
        #expect(result.output.contains("product-views.test.yml:32:11: product-views-per-minute record 1: expected key \"P1\""), "\(result.output)")
        #expect(result.output.contains(#""count":3}"#) && result.output.contains(#""count":2}"#))
        #expect(result.output.contains("1 of 2 test cases passed"))
    }

    /// The first product-views case: a repartition hop, then tumbling windows closed and late records
    /// dropped on each product partition's stream time.
    @Test func theDriverAndADevBrokerRunAgreeOnTumblingWindows() async throws {
        try await runOnDevBroker(Self.examples[0], outputTopic: "product-views-per-minute", beforeStart: { _ in true })
    }

    /// The first order-enrichment case, run by `runner run` against a dev broker: the table's inputs
    /// first (a join sees the table as of processing time), then the orders.
    @Test func theDriverAndADevBrokerRunAgreeOnATableJoin() async throws {
        try await runOnDevBroker(Self.examples[1], outputTopic: "orders-enriched", beforeStart: { $0.topic == "identifies" }) { port in
            try await waitUntil(timeout: .seconds(60)) {
                (try? await httpGet(port: port, "/stores/customers/keys/C1"))?.contains("ann@example.com") == true
            }
        }
    }

    /// The first cart-conversions case: a windowed stream-stream join finds the same pairs whichever
    /// side's record its task sees first.
    @Test func theDriverAndADevBrokerRunAgreeOnAStreamJoin() async throws {
        try await runOnDevBroker(Self.examples[4], outputTopic: "cart-conversions", beforeStart: { $0.topic == "customer-interactions" })
    }

    /// Every browsing-sessions case: session windows close on each shopper's stream time, whichever
    /// partitions the shoppers land in.
    @Test(arguments: [0, 1]) func theDriverAndADevBrokerRunAgreeOnSessionWindows(testCase: Int) async throws {
        try await runOnDevBroker(Self.examples[2], testCase: testCase, outputTopic: "browsing-sessions", beforeStart: { _ in true })
    }

    /// Every abandoned-carts case: timers fire on stream time, and an order that comes through a
    /// repartition topic cancels in time, either because the task waits (`--max-task-idle-ms`) for its
    /// other input, or, when the order is later than that, by retracting the report: the reports that
    /// stand once the retractions are in are the driver's.
    @Test(arguments: [0, 1]) func theDriverAndADevBrokerRunAgreeOnTimers(testCase: Int) async throws {
        try await runOnDevBroker(
            Self.examples[3], testCase: testCase, outputTopic: "abandoned-carts", beforeStart: { _ in false }, runnerArguments: ["--max-task-idle-ms", "5000"],
            outcome: Self.standingReports)
    }

    /// The reports no retraction (the same record with `retracted: true`) takes back.
    private static func standingReports(_ records: [(key: JSONValue, value: JSONValue)]) -> [(key: JSONValue, value: JSONValue)] {
        var standing = records.filter { $0.value["retracted"]?.boolValue != true }
        for retraction in records where retraction.value["retracted"]?.boolValue == true {
            guard var report = retraction.value.objectValue else { continue }
            _ = report.removeValue(forKey: "retracted")
            if let index = standing.firstIndex(where: { $0.key.isEquivalent(to: retraction.key) && $0.value.isEquivalent(to: .object(report)) }) {
                standing.remove(at: index)
            }
        }
        return standing
    }

    /// Runs a test file's case with `runner run` on a dev broker: the inputs `beforeStart` selects,
    /// then the runner, then (after `settle`) the other inputs, each in the file's order. Compares
    /// `outputTopic` with the case's expectation as a set: records of different keys may come out in
    /// either order from different partitions. `outcome` says what of a topic's records counts (all of
    /// them, unless a topology corrects itself).
    private func runOnDevBroker(
        _ topologyFile: String, testCase index: Int = 0, outputTopic: String, beforeStart: (TestRecord) -> Bool,
        runnerArguments: [String] = [], settle: (Int) async throws -> Void = { _ in },
        outcome: @escaping @Sendable ([(key: JSONValue, value: JSONValue)]) -> [(key: JSONValue, value: JSONValue)] = { $0 }
    ) async throws {
        let testCase = try TopologyTestParser.parse(fileAt: TopologyTestParser.testFile(for: topologyFile)).cases[index]
        let broker = try TestDevBroker(topologies: [topologyFile])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        func produce(_ records: [TestRecord]) async throws {
            for record in records {
                try await producer.send(record.topic, key: record.key.stringValue ?? "\(record.key)", value: "\(record.value)")
            }
        }
        try await produce(testCase.inputRecords.filter(beforeStart))
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: topologyFile, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(port)] + runnerArguments)
        try await settle(port)
        try await produce(testCase.inputRecords.filter { !beforeStart($0) })
        try producer.close()

        let expected = outcome((testCase.expected.first { $0.topic == outputTopic }?.records ?? []).map { (key: $0.key, value: $0.value) })
        @Sendable func decoded(_ records: [ConsumerRecord]) -> [(key: JSONValue, value: JSONValue)] {
            records.map { record in (key: (try? RecordFormat.string.decode(record.key)) ?? .null, value: (try? RecordFormat.json.decode(record.value)) ?? .null) }
        }
        @Sendable func holds(_ wanted: (key: JSONValue, value: JSONValue), in actual: [(key: JSONValue, value: JSONValue)]) -> Bool {
            actual.contains { $0.key.isEquivalent(to: wanted.key) && $0.value.isEquivalent(to: wanted.value) }
        }
        // Read until the outcome is the expected one (a correction may come seconds after what it
        // corrects), then a little longer for anything that should not be there.
        let read = try await TopicReader.read([outputTopic], bootstrapServers: broker.bootstrapServers, linger: .seconds(3)) { records in
            let actual = outcome(decoded(records[outputTopic, default: []]))
            return actual.count == expected.count && expected.allSatisfy { holds($0, in: actual) }
        }
        #expect(runner.stop() == 0)
        let actual = outcome(decoded(read[outputTopic, default: []]))
        #expect(actual.count == expected.count, "got \(actual)")
        for want in expected {
            #expect(holds(want, in: actual), "missing \(want.key) \(want.value); got \(actual)")
        }
    }
}
