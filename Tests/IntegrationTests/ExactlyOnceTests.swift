import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// `processing-guarantee: exactly_once_v2` on product-views.yml, run in-process against a dev broker so
/// that every transactional call of the stream thread's producers can be read back
/// (``StreamsConfiguration/transactionCallLog``): the call sequence of a clean run, an abortable commit
/// (abort, rewind, exact results), and a fenced producer (replaced, tasks reopened, exact results).
///
/// What the dev broker cannot show, and these tests therefore do not assert: it delivers records of
/// aborted transactions to `read_committed` readers and does not store offsets sent with a transaction
/// (../shared/KAFKA-MOCK.md). Results stay exact here because state de-duplicates by origin, as under
/// at-least-once; "each output once" is checked by ``outputsAppearOnceForReadCommittedReadersOnARealCluster()``.
@Suite("exactly_once_v2", .serialized)
struct ExactlyOnceTests {
    static let topology = ProductViewsTopologyTests.topology

    /// product-views.yml with `processing-guarantee: exactly_once_v2` added at the top level, through the parser.
    static func exactlyOnceDefinition() throws -> TopologyDefinition {
        let yaml = try String(contentsOfFile: topology, encoding: .utf8)
        return try TopologyParser.parse(yaml: "processing-guarantee: exactly_once_v2\n" + yaml, file: topology)
    }

    /// Runs the topology in-process until `body` returns, then stops it gracefully.
    private func running<Result: Sendable>(
        on broker: TestDevBroker, log: TransactionCallLog, _ body: () async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "exactly-once-test")
        logger.logLevel = .warning
        let definition = try Self.exactlyOnceDefinition()
        var configuration = StreamsConfiguration(bootstrapServers: broker.bootstrapServers)
        let state = TemporaryDirectory("tributary-state")
        configuration.stateDirectory = state.path
        configuration.commitInterval = .milliseconds(200)
        configuration.processingGuarantee = try #require(definition.processingGuarantee)
        configuration.transactionCallLog = log
        let application = StreamApplication(topology: try TopologyCompiler.compile(definition, logger: logger), configuration: configuration, logger: logger)
        return try await IntegrationTests.running(application, logger: logger, body)
    }

    /// Produces the first half of `events`, waits for the first results, lets `fault` stage broker
    /// trouble, produces the rest (so that a transaction with records meets the fault), and returns
    /// the final results.
    private func runThroughFault(
        seed: UInt64, log: TransactionCallLog, fault: @escaping @Sendable (TestDevBroker) async throws -> Void
    ) async throws {
        let events = GeneratedView.events(count: 3000, seed: seed)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try TestDevBroker(topics: ["customer-interactions:1"], topologies: [Self.topology], controlPort: 0)
        try await ProductViewsTopologyTests.produce(events[..<1500], to: broker.bootstrapServers)
        let (results, conflicting) = try await running(on: broker, log: log) {
            _ = try await TopicReader.read([ProductViewsTopologyTests.output], bootstrapServers: broker.bootstrapServers) {
                !$0[ProductViewsTopologyTests.output, default: []].isEmpty
            }
            try await fault(broker)
            try await ProductViewsTopologyTests.produce(events[1500...], to: broker.bootstrapServers)
            return try await ProductViewsTopologyTests.finalResults(broker, expecting: reference)
        }
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults, "missing: \(reference.finalResults.subtracting(results.values).sorted().prefix(5)); unexpected: \(Set(results.values).subtracting(reference.finalResults).sorted().prefix(5))")
    }

    @Test func eachCommitIntervalIsOneTransactionCarryingTheProcessedOffsets() async throws {
        let log = TransactionCallLog()
        try await runThroughFault(seed: 31, log: log) { _ in }
        let calls = log.entries
        #expect(calls.allSatisfy { $0.outcome == .succeeded }, "\(calls.filter { $0.outcome != .succeeded })")
        #expect(Set(calls.map(\.transactionalID)).count == 1, "one producer for the whole run")
        #expect(calls.first?.transactionalID.hasPrefix("product-views-") == true)
        #expect(Self.violations(of: calls).isEmpty, "\(Self.violations(of: calls))")
        #expect(calls.prefix(2).map(\.operation) == [.initTransactions, .beginTransaction])
        #expect(calls.contains { $0.operation == .sendOffsetsToTransaction } && calls.contains { $0.operation == .commitTransaction })
        #expect(!calls.contains { $0.operation == .abortTransaction })
    }

    /// EndTxn answered with an error librdkafka 2.0.2 treats as permanent but not fatal: the commit
    /// fails as abortable, the thread aborts, rewinds state and positions, and processes again.
    @Test func anAbortableCommitIsAbortedRewoundAndProcessedAgainExactly() async throws {
        let log = TransactionCallLog()
        try await runThroughFault(seed: 32, log: log) { broker in
            try await broker.control("/errors?api=EndTxn&codes=INVALID_REQUEST")
        }
        let calls = log.entries
        let failed = try #require(calls.firstIndex { $0.outcome != .succeeded }, "the injected error met a commit")
        #expect(calls[failed].operation == .commitTransaction)
        #expect(calls[failed].outcome == .failed(.abortable, errorName: "INVALID_REQUEST"))
        #expect(calls[(failed + 1)...].prefix(2).map(\.operation) == [.abortTransaction, .beginTransaction])
        #expect(calls[(failed + 1)...].allSatisfy { $0.outcome == .succeeded }, "the abort and everything after it succeeded")
        #expect(calls[(failed + 1)...].contains { $0.operation == .commitTransaction }, "transactions commit again after the abort")
        #expect(Set(calls.map(\.transactionalID)).count == 1, "an abort keeps the producer")
        #expect(Self.violations(of: calls).isEmpty, "\(Self.violations(of: calls))")
    }

    /// EndTxn answered PRODUCER_FENCED or INVALID_PRODUCER_EPOCH — both fatal in librdkafka 2.0.2's
    /// EndTxn handling (a newer producer took over the transactional id): the producer is replaced by one
    /// with a new id, the thread's tasks are reopened, and processing continues exactly.
    @Test(arguments: ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"])
    func aFencedProducerIsReplacedAndItsTasksRestartExactly(code: String) async throws {
        let log = TransactionCallLog()
        try await runThroughFault(seed: 33, log: log) { broker in
            try await broker.control("/errors?api=EndTxn&codes=\(code)")
        }
        let calls = log.entries
        let failed = try #require(calls.firstIndex { $0.outcome != .succeeded }, "the injected error met a commit")
        #expect(calls[failed].operation == .commitTransaction)
        // librdkafka reports both codes as its own `_FENCED`, a fatal error.
        #expect(calls[failed].outcome == .failed(.fatal, errorName: "_FENCED"))
        let ids = calls.map(\.transactionalID).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(ids.count == 2, "one replacement producer: \(ids)")
        let replacement = calls[(failed + 1)...]
        #expect(replacement.prefix(2).map(\.operation) == [.initTransactions, .beginTransaction])
        #expect(replacement.allSatisfy { $0.transactionalID == ids.last && $0.outcome == .succeeded })
        #expect(replacement.contains { $0.operation == .commitTransaction }, "the new producer commits")
        #expect(Self.violations(of: Array(replacement)).isEmpty, "\(Self.violations(of: Array(replacement)))")
    }

    /// `runner run --processing-guarantee exactly_once_v2` on the unchanged file: the flag reaches the
    /// stream thread (transactions committed, none aborted, in /metrics) and final counts are exact.
    /// With two stream threads, each commits its own transactions (a transactional producer per thread).
    @Test(arguments: [1, 2]) func theRunnerFlagRunsTheTopologyInTransactions(threads: Int) async throws {
        let events = GeneratedView.events(count: 2000, seed: 35)
        let reference = ProductViewsReference(events, partitions: 4)
        let broker = try TestDevBroker(topics: ["customer-interactions:1"], topologies: [Self.topology])
        try await ProductViewsTopologyTests.produce(events[...], to: broker.bootstrapServers)
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", state.path, "--http-port", String(port), "--commit-interval-ms", "200", "--processing-guarantee", "exactly_once_v2",
            "--threads", String(threads),
        ])
        let (results, conflicting) = try await ProductViewsTopologyTests.finalResults(broker, expecting: reference)
        #expect(conflicting.isEmpty, "a result id repeated with other content: \(conflicting.prefix(3))")
        #expect(Set(results.values) == reference.finalResults)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let transactions = String(decoding: body, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("tributary_transactions_total{") }
        #expect(transactions.contains { $0.contains(#"outcome="committed""#) && !$0.hasSuffix(" 0") }, "\(transactions)")
        #expect(!transactions.contains { $0.contains(#"outcome="aborted""#) && !$0.hasSuffix(" 0") }, "\(transactions)")
        #expect(runner.stop() == 0)
    }

    /// A real cluster filters aborted transactions and keeps transactional offsets, so there — and
    /// only there — `read_committed` readers must see each result exactly once. Skipped unless
    /// `TRIBUTARY_KAFKA_BOOTSTRAP` names a cluster (a throwaway one: the test needs product-views.yml's
    /// topics new, and says so when they are not).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRIBUTARY_KAFKA_BOOTSTRAP"] != nil, "set TRIBUTARY_KAFKA_BOOTSTRAP to a throwaway Kafka cluster to run it"))
    func outputsAppearOnceForReadCommittedReadersOnARealCluster() async throws {
        let bootstrap = ProcessInfo.processInfo.environment["TRIBUTARY_KAFKA_BOOTSTRAP"]!
        let existing = try KafkaAdminClient(bootstrapServers: bootstrap, logger: Logger(label: "exactly-once-real")).partitionCounts()
        try #require(existing["customer-interactions"] == nil && existing[ProductViewsTopologyTests.output] == nil,
                     "product-views.yml's topics exist already on \(bootstrap); use a fresh cluster")
        let events = GeneratedView.events(count: 3000, seed: 34)
        let reference = ProductViewsReference(events, partitions: 4)
        let state = TemporaryDirectory("tributary-state")
        let arguments = ["--state-dir", state.path, "--commit-interval-ms", "200", "--processing-guarantee", "exactly_once_v2"]
        // The first runner creates the topics; a kill mid-stream leaves a transaction open, which the
        // cluster aborts (transaction.timeout.ms) and read_committed readers never see.
        let first = try TestRunnerProcess(topology: Self.topology, bootstrapServers: bootstrap, extraArguments: arguments)
        try await ProductViewsTopologyTests.produce(events[..<1500], to: bootstrap)
        _ = try await TopicReader.read([ProductViewsTopologyTests.output], bootstrapServers: bootstrap, timeout: .seconds(120), readCommitted: true) {
            !$0[ProductViewsTopologyTests.output, default: []].isEmpty
        }
        first.stop(signal: SIGKILL)
        let second = try TestRunnerProcess(topology: Self.topology, bootstrapServers: bootstrap, extraArguments: arguments)
        try await ProductViewsTopologyTests.produce(events[1500...], to: bootstrap)
        let read = try await TopicReader.read(
            [ProductViewsTopologyTests.output], bootstrapServers: bootstrap, timeout: .seconds(240), linger: .seconds(10), readCommitted: true
        ) { Set($0[ProductViewsTopologyTests.output, default: []].map(ProductViewsTopologyTests.id)).count >= reference.finalResults.count }
        #expect(second.stop() == 0)
        let outputs = read[ProductViewsTopologyTests.output, default: []]
        #expect(outputs.count == Set(outputs.map(ProductViewsTopologyTests.id)).count, "no result twice")
        #expect(Set(outputs.map(ProductViewsTopologyTests.describe)) == reference.finalResults)
    }

    /// Where `calls` break the transactional protocol: begin only outside a transaction, offsets and
    /// commit only inside one, abort only after a failure, and init first for each producer.
    static func violations(of calls: [TransactionCall]) -> [String] {
        var problems: [String] = []
        var inTransaction: [String: Bool] = [:]
        for (index, call) in calls.enumerated() {
            let id = call.transactionalID
            let open = inTransaction[id]
            switch call.operation {
            case .initTransactions:
                if open != nil { problems.append("\(index): init twice for \(id)") }
                inTransaction[id] = false
            case .beginTransaction:
                if open != false { problems.append("\(index): begin while \(open == nil ? "not initialised" : "in a transaction")") }
                if call.outcome == .succeeded { inTransaction[id] = true }
            case .sendOffsetsToTransaction, .commitTransaction:
                if open != true { problems.append("\(index): \(call.operation) outside a transaction") }
                if call.operation == .commitTransaction, call.outcome == .succeeded { inTransaction[id] = false }
            case .abortTransaction:
                if open != true || calls[..<index].last(where: { $0.transactionalID == id })?.outcome == .succeeded {
                    problems.append("\(index): abort without a failed call before it")
                }
                if call.outcome == .succeeded { inTransaction[id] = false }
            }
        }
        return problems
    }
}
