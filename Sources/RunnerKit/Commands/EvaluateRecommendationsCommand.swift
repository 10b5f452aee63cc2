import ArgumentParser
import Foundation
import Logging
import StreamCore
import Topologies

/// `runner evaluate-recommendations`: how good and how fresh a recommendations topology is, measured
/// end to end. A history with planted taste structure is replayed through `runner run` on an embedded
/// dev broker; then the runner's store endpoint is asked, for every held-out shopper, whether their
/// next purchase is among their 10 recommendations (hit rate @10), next to the most-popular baseline;
/// then probe events measure how soon a shopper's recommendations reflect a new event.
struct EvaluateRecommendationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-recommendations",
        abstract: "Replay a generated history through runner on a dev broker; report hit rate @10 against the most-popular baseline, and freshness.",
        discussion: """
            The topology must keep the stores user-recommendations (per shopper: `recommendations`, \
            an array of product ids, and `last_event.id`, the id of the last event reflected) and read \
            customer-interactions and order-events as ../shared/DESIGN.md describes them.
            """
    )

    @Option(help: "The recommendations topology.")
    var topology = "topologies/recommendations.yml"

    @Option(help: "Seed of the generated history: use one not used while tuning.")
    var seed: UInt64 = 7919

    @Option(help: "Shoppers in the history.")
    var customers = 600

    @Option(help: "Hidden taste groups.")
    var groups = 12

    @Option(help: "Products per taste group.")
    var productsPerGroup = 25

    @Option(help: "Freshness probes: events sent one by one (a few shoppers at a time), each timed until the shopper's recommendations reflect it.")
    var probes = 500

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger(label: "tributary.evaluate")
        let history = TasteHistory(seed: seed, customers: customers, groups: groups, productsPerGroup: productsPerGroup)
        print("history: \(history.events.count) events from \(customers) shoppers over \(groups * productsPerGroup) products in \(groups) hidden groups (seed \(seed)); \(history.nextPurchases.count) shoppers held out")

        let loaded = try TopologyLoader.loadAll([topology], logger: logger)
        let broker = try DevBroker(configuration: .init(brokers: 1, topics: KafkaAdminClient.TopicSpecification.list(TopologyLoader.topicPartitions(of: loaded))), logger: logger)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("evaluate-recommendations-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let runner = try RunnerChildProcess(arguments: [
            "run", "--topology", topology, "--bootstrap-servers", broker.bootstrapServers, "--state-dir", state.path, "--log-level", "warning",
        ])
        defer { runner.stop() }
        let stores = RunnerQueryClient(port: runner.httpPort)

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers), logger: logger)
        defer { try? producer.close() }
        let replayStart = ContinuousClock.now
        try await replay(history.events, through: producer, until: stores, of: runner, reflects: history.lastEventIDs, logger: logger)
        try await stores.waitUntilIdle()
        print("replayed in \(replayStart.duration(to: .now))")

        // The held-out shoppers come back; what they are offered then is what is judged.
        let end = history.events.last?.time ?? 0
        let visits = history.returnVisits(at: end + 60_000)
        let recommended = try await replay(
            visits, through: producer, until: stores, of: runner, reflects: Dictionary(uniqueKeysWithValues: visits.map { ($0.key, $0.id) }), logger: logger)
        let baseline = history.mostBought
        var hits = 0
        var baselineHits = 0
        for (shopper, next) in history.nextPurchases {
            if recommended[shopper, default: []].prefix(10).contains(next) { hits += 1 }
            let bought = Set(history.purchasesInHistory[shopper, default: []])
            if baseline.filter({ !bought.contains($0) }).prefix(10).contains(next) { baselineHits += 1 }
        }
        let heldOut = Double(history.nextPurchases.count)
        let hitRate = Double(hits) / heldOut
        let baselineRate = Double(baselineHits) / heldOut
        print(String(format: "hit rate @10: %.3f (%d of %d); most-popular baseline: %.3f (%d); ratio %.1fx", hitRate, hits, history.nextPurchases.count, baselineRate, baselineHits, hitRate / max(baselineRate, 1e-9)))

        let latencies = try await FreshnessProbe(stores: stores, producer: producer, shoppers: history.nextPurchases.keys.sorted(), products: history.groups.flatMap { $0 }, seed: seed,
                                            startTime: end + 120_000)
            .measure(count: probes)
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Duration { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        print("freshness over \(sorted.count) probes: p50 \(percentile(0.5)), p95 \(percentile(0.95)), max \(sorted.last!)")
    }

    /// Produces `events` and waits until each shopper's recommendations reflect the event `lastIDs`
    /// names; returns those recommendations.
    @discardableResult
    private func replay(
        _ events: [TasteHistory.Event], through producer: KafkaProducer, until stores: RunnerQueryClient, of runner: RunnerChildProcess,
        reflects lastIDs: [String: String], logger: Logger
    ) async throws -> [String: [String]] {
        for event in events {
            try producer.enqueueWaitingForRoom(ProducerRecord(topic: event.topic, key: Array(event.key.utf8), value: JSONSerializer.serialize(event.value))) { result in
                if case .failure(let error) = result { logger.error("event not delivered: \(error)") }
            }
        }
        try producer.flush()
        var pending = Set(lastIDs.keys)
        var reflected: [String: [String]] = [:]
        let deadline = ContinuousClock.now + .seconds(600)
        while !pending.isEmpty {
            guard runner.isRunning else { throw ValidationError("runner run exited (is port \(runner.httpPort) taken?); its log is above") }
            guard ContinuousClock.now < deadline else {
                throw ValidationError("after 10 minutes, \(pending.count) shoppers' recommendations still do not reflect their last event (\(pending.sorted().prefix(5).joined(separator: ", ")), ...)")
            }
            for shopper in pending.sorted() {
                guard let answer = try? await stores.recommendations(of: shopper), answer.lastEventID == lastIDs[shopper] else { continue }
                reflected[shopper] = answer.products
                pending.remove(shopper)
            }
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        return reflected
    }
}
