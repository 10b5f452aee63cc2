import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// The arrival-order harness through `runner run` (the acceptance tier; `scripts/accept/arrival-orders.sh`):
/// the shop traffic of ``ShopArrivalOrderTests`` — generated, routed by interactions.yml — put on a dev
/// broker whole, over 1 and over 6 partitions, as a backlog; each shop topology then runs over it at
/// full speed, is stopped, `runner reset`, and replays it all again. Both runs' business outcome must
/// equal the one in event-time order, computed in process on one partition.
@Suite("The shop's topologies on a replay", .acceptance)
struct ShopReplayTests {
    @Test(arguments: ShopArrivalOrderTests.subjects, [1, 6]) func aBacklogAndItsReplayAfterAResetEndAsInEventTimeOrder(subject: ShopArrivalOrderTests.Subject, partitions: Int) async throws {
        let file = repositoryRoot + "/topologies/\(subject.topology).yml"
        let traffic = try ShopArrivalOrderTests.traffic()
        let expected = subject.outcome(try ArrivalHarness.run(file, traffic, partitions: 1))
        var logger = Logger(label: "shop-replay")
        logger.logLevel = .error
        let topology = try TopologyCompiler.compile(try TopologyParser.parse(fileAt: file), logger: logger)
        let inputs = Set(topology.sourceTopics)

        let broker = try TestDevBroker(topics: topology.sourceTopics.map { "\($0):\(partitions)" }, topologies: [file])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll(traffic.filter { inputs.contains($0.topic) }.map {
            ProducerRecord(topic: $0.topic, key: Array($0.key.utf8), value: Array($0.value.utf8), timestamp: $0.eventTime)
        })
        try producer.close()

        let state = TemporaryDirectory("tributary-shop-replay")
        // The Salesforce sinks (CRM sync, churn buckets, support cases) deliver to a dev Salesforce; the
        // outcome is read from their sink topics, which hold what they were given.
        let salesforce = try TestDevSalesforce()
        defer { _ = salesforce.stop() }
        func run(after previous: [TopicPartition: Int64]) async throws -> [String: [ConsumerRecord]] {
            let runner = try TestRunnerProcess(
                topology: file, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(TestPorts.next())],
                environment: [
                    "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
                    "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
                ])
            // What this run wrote: the records after the previous run's.
            let read = try await TopicReader.read(subject.topics, bootstrapServers: broker.bootstrapServers, timeout: .seconds(180), linger: .seconds(3)) { read in
                subject.outcome(Self.after(previous, read)) == expected
            }
            let status = runner.stop()
            #expect(status == 0, "\(subject), \(partitions) partitions: the runner stops cleanly; its log ends:\n\(runner.standardError.suffix(3000))")
            return read
        }
        let first = try await run(after: [:])
        let backlog = ShopArrivalOrderTests.differences(subject.outcome(first), from: expected)
        #expect(backlog.isEmpty, "\(subject), \(partitions) partitions, a backlog: \(backlog)")

        let reset = try runRunner(["reset", "--topology", file, "--bootstrap-servers", broker.bootstrapServers, "--state-dir", state.path, "--log-level", "warning"])
        #expect(reset.status == 0, "\(reset.output) \(reset.errors)")
        let ends = first.values.joined().reduce(into: [TopicPartition: Int64]()) { ends, record in
            ends[TopicPartition(record.topic, record.partition)] = max(ends[TopicPartition(record.topic, record.partition)] ?? 0, record.offset + 1)
        }
        let replayed = Self.after(ends, try await run(after: ends))
        let replay = ShopArrivalOrderTests.differences(subject.outcome(replayed), from: expected)
        #expect(replay.isEmpty, "\(subject), \(partitions) partitions, the replay after a reset: \(replay)")
    }

    /// The records of `read` at or after `ends` in their partitions.
    static func after(_ ends: [TopicPartition: Int64], _ read: [String: [ConsumerRecord]]) -> [String: [ConsumerRecord]] {
        read.mapValues { records in records.filter { $0.offset >= ends[TopicPartition($0.topic, $0.partition)] ?? 0 } }
    }
}
