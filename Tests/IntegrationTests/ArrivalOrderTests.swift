import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// The fast arrival-order harness (issue: the shop gives the same business outcome whatever order its
/// events arrive in): the same generated traffic, fed to a topology in process (``TopologyTestDriver``,
/// one task per partition, as on a cluster) in several arrival orders — in event-time order, one topic's
/// records behind or ahead of the others, partitions at their own pace, over 1 and 6 partitions — and the
/// business outcome of each run compared with one computed from the traffic plan alone. Every arrival
/// order here is within the topology's documented tolerance (docs/SHOP.md, "Arrival order"), so any
/// difference is a failure.
@Suite("Arrival orders")
struct ArrivalOrderTests {
    static let minute: Int64 = 60_000

    static let arrivals: [ArrivalHarness.Arrival] = [
        ArrivalHarness.Arrival(name: "in event-time order", partitions: 1) { _, _ in 0 },
        ArrivalHarness.Arrival(name: "in event-time order", partitions: 6) { _, _ in 0 },
        // Webhooks behind: every answer still within the 15 minutes an order waits for it.
        ArrivalHarness.Arrival(name: "payment answers 10 minutes behind", partitions: 6) { topic, _ in topic == "payment-events" ? 10 * minute : 0 },
        // Webhooks ahead of the orders they answer: kept as facts until the order can take them. (They
        // move their task's stream time ahead with them: 5 minutes ahead leaves every deadline to fire
        // after the cancellations it must not overtake, see docs/SHOP.md.)
        ArrivalHarness.Arrival(name: "payment answers 5 minutes ahead", partitions: 6) { topic, _ in topic == "payment-events" ? -5 * minute : 0 },
        // A backlog read faster in some partitions than in others.
        ArrivalHarness.Arrival(name: "each partition 5 minutes behind the one before", partitions: 6) { topic, partition in
            topic == "inventory" ? 0 : Int64(partition) * 5 * minute
        },
    ]

    /// `orders.yml`: every order ends as its events say (stock is ample, so no order competes for it),
    /// and exactly the authorisations of cancelled orders are voided. An order's cancellation and its
    /// payment answer are taken in the order they arrive (docs/SHOP.md, "Arrival order"); everything
    /// else as in event time.
    @Test(arguments: arrivals) func ordersEndTheSameWhateverTheArrivalOrder(arrival: ArrivalHarness.Arrival) throws {
        var traffic = OrderTraffic(seed: 41, orderCount: 160, products: 20, span: 3_600_000)
        for product in traffic.initialStock.keys { traffic.initialStock[product] = 100_000 }
        traffic.restocks = []
        let snapshots = (traffic.initialStock.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("PZ", 1000)]).map { product, available in
            ArrivalHarness.Input(topic: "inventory", key: product, value: #"{"product_id":"\#(product)","available":\#(available)}"#, eventTime: OrderTraffic.start - Self.minute)
        }
        let events = traffic.events.map { ArrivalHarness.Input(topic: $0.topic, key: $0.key, value: $0.value, eventTime: $0.at) }
        let answers = traffic.orders.compactMap { order in
            traffic.paymentEvent(for: order).map { ArrivalHarness.Input(topic: "payment-events", key: order.id, value: $0, eventTime: order.answerAt) }
        }
        let closing = traffic.closingOrders(partitions: arrival.partitions).map { ArrivalHarness.Input(topic: $0.topic, key: $0.key, value: $0.value, eventTime: $0.at) }
        let arranged = ArrivalHarness.arrange(events + answers, arrival)
        // Where each order's cancellation and answer arrive.
        var cancelled: [String: Int] = [:]
        var answered: [String: Int] = [:]
        for (position, input) in arranged.enumerated() {
            if input.topic == "payment-events" { answered[input.key] = position }
            if input.topic == "order-events", input.value.contains(#""event":"Order Cancelled""#) { cancelled[input.key] = position }
        }
        let (expected, voids) = traffic.endingsWithAmpleStock { cancelled[$0.id]! < answered[$0.id]! }
        // The warehouse's snapshot first and the closing orders last, whatever the order in between.
        let outputs = try ArrivalHarness.run(repositoryRoot + "/topologies/orders.yml", snapshots + arranged + closing, partitions: arrival.partitions)

        #expect(outputs["orders-dlq", default: []].isEmpty, "dead letters: \(outputs["orders-dlq", default: []].prefix(3).map { String(decoding: $0.value ?? [], as: UTF8.self) })")
        let histories = OrdersTopologyTests.histories(outputs["order-status", default: []])
        let wrong = expected.sorted { $0.key < $1.key }.filter { order, status in
            Set(histories[order]?.statuses ?? []).intersection(OrdersTopologyTests.terminal) != [status]
        }.map { order, status in "\(order): \(histories[order]?.statuses ?? []), expected \(status)" }
        #expect(wrong.isEmpty, "\(arrival): \(wrong.count) of \(expected.count) orders ended otherwise: \(wrong.prefix(5))")
        let voided = OrdersTopologyTests.voided(outputs)
        #expect(voided == voids, "\(arrival): voids unexpected \(voided.subtracting(voids).sorted().prefix(5)), missing \(voids.subtracting(voided).sorted().prefix(5))")
    }

    /// `cart-conversions.yml`: every (add, order) pair of a shopper whose order, placed within the hour
    /// after the add, contains the added product — however far behind its shopper's events the order
    /// arrives, within the join's day of grace.
    @Test(arguments: arrivals) func cartConversionsAreTheSameWhateverTheArrivalOrder(arrival: ArrivalHarness.Arrival) throws {
        var random = SeededRandom(seed: 77)
        var inputs: [ArrivalHarness.Input] = []
        var expected: Set<String> = []
        var adds: [(user: String, product: String, at: Int64)] = []
        for index in 0..<400 {
            let user = "U\(Int.random(in: 0..<40, using: &random))"
            let at = OrderTraffic.start + Int64(index) * 30_000
            if Int.random(in: 0..<3, using: &random) > 0 {
                let product = "P\(Int.random(in: 0..<8, using: &random))"
                adds.append((user, product, at))
                inputs.append(ArrivalHarness.Input(topic: "customer-interactions", key: user, value: #"{"event":"Product Added","userId":"\#(user)","timestamp":"\#(OrderTraffic.iso(at))","properties":{"product_id":"\#(product)"}}"#, eventTime: at))
            } else {
                let products = Set((0..<Int.random(in: 1...3, using: &random)).map { _ in "P\(Int.random(in: 0..<8, using: &random))" }).sorted()
                let order = "O-\(index)"
                let lines = products.map { #"{"product_id":"\#($0)"}"# }.joined(separator: ",")
                inputs.append(ArrivalHarness.Input(topic: "order-events", key: order, value: #"{"event":"Order Completed","userId":"\#(user)","timestamp":"\#(OrderTraffic.iso(at))","properties":{"order_id":"\#(order)","products":[\#(lines)]}}"#, eventTime: at))
                for add in adds where add.user == user && products.contains(add.product) && add.at <= at && at <= add.at + 60 * Self.minute {
                    expected.insert("\(user)|\(add.product)|\(OrderTraffic.iso(add.at))|\(order)")
                }
            }
        }
        let outputs = try ArrivalHarness.run(repositoryRoot + "/topologies/examples/cart-conversions.yml", ArrivalHarness.arrange(inputs, arrival), partitions: arrival.partitions)
        let found = Set(outputs["cart-conversions", default: []].compactMap { record -> String? in
            guard let value = try? JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)) else { return nil }
            return ["userId", "product_id", "added_at", "order_id"].map { value[$0]?.stringValue ?? "-" }.joined(separator: "|")
        })
        #expect(expected.count > 30, "the traffic converts carts")
        #expect(found == expected, "\(arrival): missing \(expected.subtracting(found).sorted().prefix(5)), unexpected \(found.subtracting(expected).sorted().prefix(5))")
    }
}
