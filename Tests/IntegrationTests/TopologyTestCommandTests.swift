import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import Topologies

/// `runner test`: the examples' test cases pass in-process, a wrong expectation fails with its
/// location and both records, and the in-process driver agrees with a real run on a dev broker.
@Suite("runner test")
struct TopologyTestCommandTests {
    static let examples = ["product-views", "order-enrichment", "browsing-sessions", "abandoned-carts", "cart-conversions"].map { repositoryRoot + "/topologies/examples/\($0).yml" }

    @Test func theExamplesTestCasesPass() throws {
        let result = try runRunner(["test"] + Self.examples)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("10 of 10 test cases passed"), "\(result.output)")
    }

    @Test func aWrongExpectationFailsNamingWhereAndWhatDiffers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runner-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let topology = directory + "/product-views.yml"
        try FileManager.default.copyItem(atPath: Self.examples[0], toPath: topology)
        let tests = try String(contentsOfFile: TopologyTestParser.testFile(for: Self.examples[0]), encoding: .utf8)
        try tests.replacingOccurrences(of: "count: 2 }", with: "count: 3 }").write(toFile: directory + "/product-views.test.yml", atomically: true, encoding: .utf8)
        let result = try runRunner(["test", topology])
        #expect(result.status == 1)
        #expect(result.output.contains("FAIL \(topology): a window's final count"))
        #expect(result.output.contains("product-views.test.yml:33:11: product-views-per-minute record 1: expected key \"P1\""), "\(result.output)")
        #expect(result.output.contains(#""count":3}"#) && result.output.contains(#""count":2}"#))
        #expect(result.output.contains("1 of 2 test cases passed"))
    }

    /// The first order-enrichment case, run by `runner run` against a dev broker: the table's inputs
    /// first (a join sees the table as of processing time), then the orders.
    @Test func theDriverAndADevBrokerRunAgreeOnATableJoin() async throws {
        try await runOnDevBroker(Self.examples[1], outputTopic: "orders-enriched", firstTopic: "identifies") { port in
            var tableIsLoaded = false
            for _ in 0..<300 where !tableIsLoaded {
                if let (body, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/stores/customers/keys/C1")!) {
                    tableIsLoaded = String(decoding: body, as: UTF8.self).contains("ann@example.com")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The first cart-conversions case: a windowed stream-stream join finds the same pairs whichever
    /// side's record its task sees first.
    @Test func theDriverAndADevBrokerRunAgreeOnAStreamJoin() async throws {
        try await runOnDevBroker(Self.examples[4], outputTopic: "cart-conversions", firstTopic: "customer-interactions") { _ in }
    }

    /// Runs a test file's first case with `runner run` on a dev broker: the inputs of `firstTopic`, then
    /// (after `settle`) the rest, and compares `outputTopic` with the case's expectation as a set:
    /// records of different keys may come out in either order through a repartition topic.
    private func runOnDevBroker(_ topologyFile: String, outputTopic: String, firstTopic: String, settle: (Int) async throws -> Void) async throws {
        let testCase = try TopologyTestParser.parse(fileAt: TopologyTestParser.testFile(for: topologyFile)).cases[0]
        let broker = try TestDevBroker(topologies: [topologyFile])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        func produce(_ records: [TestRecord]) async throws {
            for record in records {
                try await producer.send(record.topic, key: record.key.stringValue ?? "\(record.key)", value: "\(record.value)")
            }
        }
        try await produce(testCase.inputs.filter { $0.topic == firstTopic })
        let state = TemporaryStateDirectory()
        let port = Int.random(in: 20_000..<32_000)
        let runner = try TestRunnerProcess(topology: topologyFile, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(port)])
        try await settle(port)
        try await produce(testCase.inputs.filter { $0.topic != firstTopic })
        try producer.close()

        let expected = testCase.expected.first { $0.topic == outputTopic }!.records
        let read = try await TopicReader.read([outputTopic], bootstrapServers: broker.bootstrapServers) { $0[outputTopic, default: []].count >= expected.count }
        #expect(runner.stop() == 0)
        let actual = read[outputTopic, default: []].map { record in
            (key: (try? RecordFormat.string.decode(record.key)) ?? .null, value: (try? RecordFormat.json.decode(record.value)) ?? .null)
        }
        #expect(actual.count == expected.count)
        for want in expected {
            #expect(actual.contains { $0.key.isEquivalent(to: want.key) && $0.value.isEquivalent(to: want.value) }, "missing \(want.key) \(want.value); got \(actual)")
        }
    }
}
