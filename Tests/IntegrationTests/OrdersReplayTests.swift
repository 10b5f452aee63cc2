import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// `orders.yml` on a replay, over one partition and over four: held-out traffic — orders, cancellations
/// and the gateway's answers — is all on the broker before the runner starts, as after `runner reset`
/// or behind a backlog. The runner then
/// meets each order's payment answer as soon as the order, while the order's reservation still travels
/// through the products' partitions and back. Whatever the arrival order, each order must end as its
/// events say in event time, which the traffic plan gives without StreamCore (stock is ample, so no
/// order competes for it):
/// a cancellation before the payment answer (or with none) → CANCELLED (an authorisation then voided);
/// otherwise authorised → CONFIRMED, declined → PAYMENT_DECLINED, no answer → PAYMENT_TIMEOUT.
@Suite("orders.yml on a replay")
struct OrdersReplayTests {
    static let topology = repositoryRoot + "/topologies/orders.yml"

    /// The inputs and feedback topics of orders.yml: the partitions its tasks follow.
    static let inputTopics = ["order-events", "payment-events", "inventory", "orders-stock-requests", "orders-reservation-results", "orders-payment-timeouts"]

    @Test(arguments: [1, 4]) func everyOrderEndsAsItsEventsSayInEventTime(partitions: Int) async throws {
        var traffic = OrderTraffic(seed: 23, orderCount: 240, products: 30, span: 3_600_000)
        for product in traffic.initialStock.keys { traffic.initialStock[product] = 100_000 }
        traffic.restocks = []
        let (expected, voids) = traffic.endingsWithAmpleStock
        for status in ["CANCELLED", "CONFIRMED", "PAYMENT_DECLINED", "PAYMENT_TIMEOUT"] {
            #expect(expected.values.contains(status), "the plan has orders ending \(status)")
        }

        let broker = try TestDevBroker(topics: Self.inputTopics.map { "\($0):\(partitions)" }, topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        // The warehouse's snapshots, stamped (the inventory source has no event time: a snapshot's time
        // is its record's) a minute before the first order, as they were taken: stamped with the
        // producer's clock, days after the replayed orders, they would come after every reservation.
        let snapshots = traffic.initialStock.sorted { $0.key < $1.key }.map { ($0.key, #"{"product_id":"\#($0.key)","available":\#($0.value)}"#) }
            + [("PZ", #"{"product_id":"PZ","available":1000}"#)]
        try producer.sendAll(snapshots.map { ProducerRecord(topic: "inventory", key: Array($0.0.utf8), value: Array($0.1.utf8), timestamp: OrderTraffic.start - 60_000) })
        let events = traffic.events
        try producer.sendAll("order-events", events.filter { $0.topic == "order-events" }.map { ($0.key, $0.value) })
        // The gateway's answers as they were recorded: in the order they were sent.
        try producer.sendAll("payment-events", traffic.orders.sorted { $0.answerAt < $1.answerAt }.compactMap { order in
            traffic.paymentEvent(for: order).map { (order.id, $0) }
        })
        try producer.sendAll("order-events", traffic.closingOrders(partitions: partitions).map { ($0.key, $0.value) })
        try producer.close()

        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: [
            "--state-dir", TemporaryDirectory("tributary-state").path, "--commit-interval-ms", "200",
        ])
        let planned = Set(expected.keys)
        let read = try await TopicReader.read(["order-status", "payment-voids"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(180), linger: .seconds(3)) { read in
            let histories = OrdersTopologyTests.histories(read["order-status", default: []])
            return planned.allSatisfy { !OrdersTopologyTests.terminal.isDisjoint(with: histories[$0]?.statuses ?? []) }
        }
        let histories = OrdersTopologyTests.histories(read["order-status", default: []])
        var wrong: [String] = []
        for (order, status) in expected.sorted(by: { $0.key < $1.key }) {
            let ends = Set(histories[order]?.statuses ?? []).intersection(OrdersTopologyTests.terminal)
            if ends != [status] { wrong.append("\(order): \(histories[order]?.statuses ?? []), expected \(status)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(expected.count) orders ended otherwise: \(wrong.prefix(8))")
        let voided = OrdersTopologyTests.voided(read)
        #expect(voided.symmetricDifference(voids).isEmpty, "voids: unexpected \(voided.subtracting(voids).sorted().prefix(5)), missing \(voids.subtracting(voided).sorted().prefix(5))")
        #expect(runner.stop() == 0)
    }
}
