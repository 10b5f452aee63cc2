import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// topologies/recommendations.yml run by `runner run` on a dev broker, over shopping sessions in which
/// shoppers view, add and buy products of their taste. The co-occurrence state equals a computation
/// made here from the sessions (weights 1, 3, 5; each product's strongest signal per session); each
/// similarity list is the cosine over those vectors; every shopper's recommendations reflect their
/// newest event, their interests, and leave out what they bought; probe events show up in the
/// shopper's recommendations within seconds (printed, not asserted: timing belongs to the evaluation).
@Suite("recommendations.yml end to end")
struct RecommendationsTopologyTests {
    static let topology = repositoryRoot + "/topologies/recommendations.yml"
    static let start: Int64 = 1_795_780_800_000

    /// One signal: what a shopper did with a product.
    struct Signal {
        var shopper: String
        var product: String
        var weight: Int
        var time: Int64
        var id: String
        var order: String?
    }

    /// Shoppers with a taste (one of four groups of six products) and three compact sessions each
    /// (views a minute apart, maybe an add and a purchase), sessions hours apart; at most 20 signals a
    /// shopper, so their recent interests are all of them whatever order views and orders arrive in.
    static func sessions(seed: UInt64, shoppers: Int) -> [Signal] {
        var random = SeededRandom(seed: seed)
        let groups = (0..<4).map { group in (0..<6).map { "G\(group)-P\($0)" } }
        var signals: [Signal] = []
        var orders = 0
        for index in 0..<shoppers {
            let shopper = "S\(index)"
            let taste = groups[index % groups.count]
            var time = start + Int64.random(in: 0..<3_600_000, using: &random)
            for _ in 0..<3 {
                var session: [Signal] = []
                for _ in 0..<Int.random(in: 2...4, using: &random) {
                    let product = Double.random(in: 0..<1, using: &random) < 0.8 ? taste.randomElement(using: &random)! : groups.randomElement(using: &random)!.randomElement(using: &random)!
                    session.append(Signal(shopper: shopper, product: product, weight: 1, time: time, id: "v-\(signals.count + session.count)"))
                    time += 60_000
                }
                let chosen = session.randomElement(using: &random)!.product
                session.append(Signal(shopper: shopper, product: chosen, weight: 3, time: time, id: "a-\(signals.count + session.count)"))
                time += 60_000
                if Bool.random(using: &random) {
                    orders += 1
                    session.append(Signal(shopper: shopper, product: chosen, weight: 5, time: time, id: "o-\(orders)", order: "O-\(orders)"))
                }
                signals += session
                time += 3 * 3_600_000
            }
        }
        return signals
    }

    /// The reference: per product, its squared norm and dot products with others, over session vectors.
    static func cooccurrences(of signals: [Signal]) -> (norms: [String: Int], dots: [String: [String: Int]]) {
        var sessionWeights: [String: [String: Int]] = [:]  // "shopper/session start" → product → weight
        for (shopper, own) in Dictionary(grouping: signals, by: \.shopper) {
            var sessionStart: Int64 = 0
            var last: Int64?
            for signal in own.sorted(by: { $0.time < $1.time }) {
                if last.map({ signal.time - $0 > 30 * 60_000 }) ?? true { sessionStart = signal.time }
                last = signal.time
                sessionWeights["\(shopper)/\(sessionStart)", default: [:]][signal.product] = max(sessionWeights["\(shopper)/\(sessionStart)"]?[signal.product] ?? 0, signal.weight)
            }
        }
        var norms: [String: Int] = [:]
        var dots: [String: [String: Int]] = [:]
        for weights in sessionWeights.values {
            for (product, weight) in weights {
                norms[product, default: 0] += weight * weight
                for (other, otherWeight) in weights where other != product { dots[product, default: [:]][other, default: 0] += weight * otherWeight }
            }
        }
        return (norms, dots)
    }

    @Test func similaritiesAndRecommendationsFollowAnIndependentComputation() async throws {
        let signals = Self.sessions(seed: 31, shoppers: 40)
        let broker = try TestDevBroker(topologies: [Self.topology])
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port), "--log-level", "info"])
        try await waitForPartitions(port: port, count: 24)  // the two inputs, and four repartition topics
        if let status = runner.waitForExit(timeout: .zero) {
            Issue.record("the runner exited with status \(status): \(runner.standardError)")
            return
        }
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        for signal in signals.sorted(by: { $0.time < $1.time }) {
            let timestamp = EventTimestamp.formatISO8601(signal.time)
            if let order = signal.order {
                try await producer.send("order-events", key: order, value: #"{"type":"track","event":"Order Completed","messageId":"\#(signal.id)","userId":"\#(signal.shopper)","timestamp":"\#(timestamp)","properties":{"order_id":"\#(order)","products":[{"product_id":"\#(signal.product)","quantity":1}]}}"#)
            } else {
                let event = signal.weight == 3 ? "Product Added" : "Product Viewed"
                try await producer.send("customer-interactions", key: signal.shopper, value: #"{"type":"track","event":"\#(event)","messageId":"\#(signal.id)","userId":"\#(signal.shopper)","timestamp":"\#(timestamp)","properties":{"product_id":"\#(signal.product)"}}"#)
            }
        }

        // Every shopper's document reflects their newest event once all is processed.
        let byShopper = Dictionary(grouping: signals, by: \.shopper)
        var documents: [String: JSONValue] = [:]
        try await waitUntil(timeout: .seconds(120)) {
            for (shopper, own) in byShopper where documents[shopper] == nil {
                let newest = own.max { $0.time < $1.time }!
                let answer = try? JSONValue(parsing: try await httpGet(port: port, "/stores/user-recommendations/keys/\(shopper)"))
                if answer?["value"]?["last_event"]?["id"]?.stringValue == newest.id { documents[shopper] = answer?["value"] }
            }
            return documents.count == byShopper.count
        }
        // The similarity pipeline runs behind the shoppers' documents; let it settle.
        let reference = Self.cooccurrences(of: signals)
        var states: [String: JSONValue] = [:]
        try await waitUntil(timeout: .seconds(120)) {
            for product in reference.norms.keys {
                states[product] = try? JSONValue(parsing: try await httpGet(port: port, "/stores/product-cooccurrences/keys/\(product)"))["value"]
            }
            return reference.norms.allSatisfy { product, norm in states[product]?["norm_squared"]?.int64Value == Int64(norm) }
        }

        for (product, norm) in reference.norms.sorted(by: { $0.key < $1.key }) {
            let state = states[product]
            #expect(state?["norm_squared"]?.int64Value == Int64(norm), "\(product): squared norm")
            let dots = Dictionary(uniqueKeysWithValues: (state?["co"]?.objectValue ?? JSONObject()).map { ($0.key, Int($0.value.int64Value ?? -1)) })
            #expect(dots == reference.dots[product, default: [:]], "\(product): dot products with the other products")

            // Each listed similarity is a cosine with a partner that co-occurs, at most 1. A list is
            // recomputed on its product's first 4 changes and every 4th: when the last change was one
            // of those, the list is of the final vectors, with partners' norms as published then, which
            // are at most their final ones, so no similarity is below the final vectors' cosine.
            let listed = try JSONValue(parsing: try await httpGet(port: port, "/stores/similar-products/keys/\(product)"))["value"]?["similar"]?.objectValue ?? JSONObject()
            #expect(listed.count <= 20)
            #expect(listed.map(\.value.doubleValue!) == listed.map(\.value.doubleValue!).sorted(by: >), "\(product): most similar first")
            let changes = state?["changes"]?.int64Value ?? 0
            let current = changes <= 4 || changes % 4 == 0
            for (other, similarity) in listed {
                let dot = Double(reference.dots[product]?[other] ?? 0)
                let cosine = dot / (Double(norm) * Double(reference.norms[other] ?? 0)).squareRoot()
                #expect(dot > 0 && similarity.doubleValue! > 0 && similarity.doubleValue! <= 1, "\(product) ~ \(other): \(similarity)")
                if current { #expect(similarity.doubleValue! >= cosine - 0.0001, "\(product) ~ \(other): \(similarity) against the final cosine \(cosine)") }
            }
        }

        // All signals have reached the shoppers' task by now (it keeps the sessions too), including
        // orders that came from another partition after a shopper's newest event.
        for shopper in byShopper.keys {
            documents[shopper] = try JSONValue(parsing: try await httpGet(port: port, "/stores/user-recommendations/keys/\(shopper)"))["value"]
        }
        for (shopper, own) in byShopper {
            let document = documents[shopper]
            let newest = own.max { $0.time < $1.time }!
            #expect(document?["last_event"]?["id"]?.stringValue == newest.id, "\(shopper): the newest event is the last reflected")
            var interests: [String: Int] = [:]
            for signal in own { interests[signal.product, default: 0] += signal.weight }
            let basedOn = Dictionary(uniqueKeysWithValues: (document?["based_on"]?.objectValue ?? JSONObject()).map { ($0.key, Int($0.value.int64Value ?? -1)) })
            #expect(basedOn == interests, "\(shopper): interests are every signal's weight")
            let recommended = document?["recommendations"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let bought = Set(own.filter { $0.weight == 5 }.map(\.product))
            #expect(recommended.count <= 10 && Set(recommended).count == recommended.count)
            #expect(bought.isDisjoint(with: recommended), "\(shopper): nothing bought is recommended")
        }

        // Freshness: a new view appears in the shopper's document (which names it as its last event).
        var latencies: [Duration] = []
        for (index, shopper) in byShopper.keys.sorted().prefix(30).enumerated() {
            let id = "probe-\(index)"
            let sent = ContinuousClock.now
            try await producer.send("customer-interactions", key: shopper, value: #"{"type":"track","event":"Product Viewed","messageId":"\#(id)","userId":"\#(shopper)","timestamp":"\#(EventTimestamp.formatISO8601(Self.start + 30 * 86_400_000 + Int64(index)))","properties":{"product_id":"G0-P0"}}"#)
            // Generous: the probe must arrive (correctness); how fast is measured, not asserted.
            try await waitUntil(timeout: .seconds(120)) {
                (try? JSONValue(parsing: try await httpGet(port: port, "/stores/user-recommendations/keys/\(shopper)")))?["value"]?["last_event"]?["id"]?.stringValue == id
            }
            let latency = sent.duration(to: .now)
            if latency > .seconds(10) {
                print("measured: probe \(id) for \(shopper) took \(latency); the runner's log so far:\n\(runner.standardError.suffix(6_000))")
            }
            latencies.append(latency)
        }
        latencies.sort()
        print("measured: recommendations e2e freshness over \(latencies.count) probes: p50 \(latencies[latencies.count / 2]), max \(latencies.last!)")
        try producer.close()
    }
}
