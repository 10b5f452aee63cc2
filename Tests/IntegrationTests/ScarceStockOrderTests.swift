import Foundation
import Logging
import StreamCore
import Testing
import Topologies
import TributaryTestSupport

/// `orders.yml` over scarce stock (issue: the shop gives the same business outcome whatever order its
/// events arrive in): 1,500 orders for 30 products that sell out, with restocks, declines, missing
/// payments and cancellations, and each payment answer arriving at random before or after its order's
/// reservation. Run in process (``TopologyTestDriver``, one task per partition as on a cluster), so
/// that which input each status change answers is known; checked against the traffic plan and a stock
/// ledger kept here from the inputs and the status changes alone:
/// - every order ends once, the way its payment and cancellation allow;
/// - every order that got stock and an authorised payment is confirmed (unless its cancellation arrived
///   before the answer);
/// - an order is refused only when a product it asks for lacks the stock at that moment, and granted
///   only when all are there: no product is ever oversold;
/// - at the end the stock store holds nothing for any failed order: what a refused, declined,
///   cancelled or timed-out order held is released, and what is reserved is exactly what is confirmed.
@Suite("orders.yml over scarce stock")
struct ScarceStockOrderTests {
    static let minute: Int64 = 60_000

    private struct Input {
        var topic: String
        var key: String
        var value: String
        var eventTime: Int64
        /// When it reaches the topology (the arrangement's order).
        var arrival: Int64
    }

    @Test(arguments: [1, 6]) func everyOrderWithStockAndAnAuthorisedPaymentIsConfirmedAndNothingIsOversold(partitions: Int) throws {
        var traffic = OrderTraffic(seed: 59, orderCount: 1_500, products: 30, span: 6 * 3_600_000)
        // Three times the stock the generator gives for a few hundred orders: the popular products still
        // sell out, early, and the rest late or not at all.
        for index in traffic.restocks.indices {
            let product = traffic.restocks[index].product
            traffic.restocks[index].available += 2 * traffic.initialStock[product]!
        }
        for product in traffic.initialStock.keys { traffic.initialStock[product]! *= 3 }
        let plan = Dictionary(uniqueKeysWithValues: traffic.orders.map { ($0.id, $0) })
        var random = SeededRandom(seed: 61)
        var inputs = traffic.initialStock.sorted { $0.key < $1.key }.map { product, available in
            Input(topic: "inventory", key: product, value: #"{"product_id":"\#(product)","available":\#(available)}"#, eventTime: OrderTraffic.start - Self.minute, arrival: OrderTraffic.start - Self.minute)
        }
        inputs += traffic.events.map { Input(topic: $0.topic, key: $0.key, value: $0.value, eventTime: $0.at, arrival: $0.at) }
        // Each answer at random from a minute before its order is placed (a fact kept until the order
        // can take it) to 5 minutes after the gateway sent it, well within the 15 minutes an order waits.
        for order in traffic.orders {
            guard let answer = traffic.paymentEvent(for: order) else { continue }
            let arrival = Int64.random(in: (order.placedAt - Self.minute)...(order.answerAt + 5 * Self.minute), using: &random)
            inputs.append(Input(topic: "payment-events", key: order.id, value: answer, eventTime: order.answerAt, arrival: arrival))
        }
        let arranged = inputs.enumerated().sorted { ($0.element.arrival, $0.offset) < ($1.element.arrival, $1.offset) }.map(\.element)
        let closing = traffic.closingOrders(partitions: partitions).map { Input(topic: $0.topic, key: $0.key, value: $0.value, eventTime: $0.at, arrival: $0.at) }
        var cancelledAt: [String: Int] = [:]
        var answeredAt: [String: Int] = [:]
        for (position, input) in arranged.enumerated() {
            if input.topic == "payment-events" { answeredAt[input.key] = position }
            if input.topic == "order-events", input.value.contains(#""event":"Order Cancelled""#) { cancelledAt[input.key] = position }
        }
        #expect(arranged.enumerated().filter { position, input in
            input.topic == "order-events" && !input.value.contains("Cancelled") && answeredAt[input.key].map { $0 < position } == true
        }.count > 100, "many answers arrive before their order")

        var logger = Logger(label: "scarce-stock")
        logger.logLevel = .error
        let topology = try TopologyCompiler.compile(try TopologyParser.parse(fileAt: repositoryRoot + "/topologies/orders.yml"), logger: logger)
        let state = TemporaryDirectory("tributary-scarce-stock")
        let driver = try TopologyTestDriver(topology: topology, stateDirectory: state.path, partitions: partitions)
        defer { driver.close() }

        // The ledger: each product's snapshot and what each order holds of it, changed by the inputs
        // and by the status changes each input caused, in the order they were written.
        var ledger = StockLedger()
        var statuses: [String: [String]] = [:]
        var problems: [String] = []
        var outputs: [String: [ProducerRecord]] = [:]
        for input in arranged + closing {
            if input.topic == "inventory", let available = try JSONValue(parsing: input.value)["available"]?.int64Value {
                ledger.available[input.key] = Int(available)
            }
            for record in driver.pipe(topic: input.topic, key: Array(input.key.utf8), value: Array(input.value.utf8), timestamp: input.eventTime) {
                outputs[record.topic, default: []].append(record)
                guard record.topic == "order-status", let value = try? JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)),
                      let orderID = value["order_id"]?.stringValue, let status = value["status"]?.stringValue, let order = plan[orderID] else { continue }
                statuses[orderID, default: []].append(status)
                if let problem = ledger.apply(status, of: order) { problems.append(problem) }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) stock decisions the ledger contradicts: \(problems.prefix(5))")
        #expect(outputs["orders-dlq", default: []].isEmpty, "no order or payment was dead-lettered")

        // Every order: one end, reached the way its payment and cancellation allow.
        var tally: [String: Int] = [:]
        var wrong: [String] = []
        var confirmed: [String: Int] = [:]
        for order in traffic.orders {
            let history = statuses[order.id] ?? []
            let ends = Set(history).intersection(OrdersTopologyTests.terminal)
            guard ends.count == 1, let end = ends.first else {
                wrong.append("\(order.id): ends \(ends.sorted()) in \(history)")
                continue
            }
            tally[end, default: 0] += 1
            let gotStock = history.contains { ["RESERVED", "CONFIRMED", "PAYMENT_DECLINED", "PAYMENT_TIMEOUT"].contains($0) }
            let cancelledFirst = cancelledAt[order.id].map { cancelled in answeredAt[order.id].map { cancelled < $0 } ?? true } ?? false
            let expected: Set<String> = switch (gotStock, order.payment) {
            case (false, _): ["REJECTED_OUT_OF_STOCK"]
            case (true, .authorize): cancelledFirst ? ["CANCELLED"] : ["CONFIRMED"]
            case (true, .decline): cancelledFirst ? ["CANCELLED"] : ["PAYMENT_DECLINED"]
            case (true, .never): order.cancelAt == nil ? ["PAYMENT_TIMEOUT"] : ["CANCELLED"]
            }
            if !expected.contains(end) { wrong.append("\(order.id): \(history), payment \(order.payment), cancelled first \(cancelledFirst); expected \(expected.sorted())") }
            if end == "CONFIRMED" {
                for line in order.lines { confirmed[line.product, default: 0] += line.quantity }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(traffic.orders.count) orders ended otherwise: \(wrong.prefix(6))")
        // Every authorisation of an order that was not confirmed, and only those, is voided.
        let voided = Set(outputs["payment-voids", default: []].map { String(decoding: $0.key ?? [], as: UTF8.self) })
        let owed = Set(traffic.orders.filter { $0.payment == .authorize && !(statuses[$0.id] ?? []).contains("CONFIRMED") }.map(\.id))
        #expect(voided == owed, "voids: unexpected \(voided.subtracting(owed).sorted().prefix(5)), missing \(owed.subtracting(voided).sorted().prefix(5))")
        for status in OrdersTopologyTests.terminal { #expect(tally[status, default: 0] >= 10, "orders end \(status): \(tally)") }

        // The stock store: no failed order holds anything; reserved is exactly what was confirmed.
        for product in traffic.stockWithRestocks.keys.sorted() {
            let stored = try driver.storeValue(of: Array(product.utf8), in: "stock").map { try StoredValue.decode($0).value }
            #expect(stored?["holds"] == .object([:]), "\(product) holds \(String(describing: stored?["holds"]))")
            #expect(stored?["reserved"]?.int64Value == Int64(confirmed[product, default: 0]), "\(product) reserved")
            #expect(stored?["confirmed"]?.int64Value == Int64(confirmed[product, default: 0]), "\(product) confirmed")
            #expect(confirmed[product, default: 0] <= traffic.stockWithRestocks[product]!, "\(product) oversold")
        }
        print("measured: scarce stock, \(partitions) partition(s): \(tally.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

/// Stock as the shop's rules say it must be, kept from the inputs and the orders' status changes: a
/// product's latest snapshot, and what each order holds of it (a confirmed order keeps holding: a
/// snapshot is what the warehouse has to sell).
private struct StockLedger {
    var available: [String: Int] = [:]
    private var holds: [String: [String: Int]] = [:]  // product → order → quantity

    /// Applies `status` of `order`; describes a decision the ledger contradicts.
    mutating func apply(_ status: String, of order: OrderTraffic.Order) -> String? {
        let wanted = Dictionary(order.lines.map { ($0.product, $0.quantity) }, uniquingKeysWith: +)
        let holding = holds.values.contains { $0[order.id] != nil }
        func free(_ product: String) -> Int { available[product, default: 0] - holds[product, default: [:]].values.reduce(0, +) }
        var problem: String?
        if ["RESERVED", "CONFIRMED", "PAYMENT_DECLINED", "PAYMENT_TIMEOUT"].contains(status), !holding {
            // Granted (a decline without RESERVED first was granted and given back at once).
            let short = wanted.filter { free($0.key) < $0.value }
            if !short.isEmpty { problem = "\(order.id) \(status) without stock: wants \(short), free \(short.keys.map { free($0) })" }
            for (product, quantity) in wanted { holds[product, default: [:]][order.id] = quantity }
        } else if status == "REJECTED_OUT_OF_STOCK", wanted.allSatisfy({ free($0.key) >= $0.value }) {
            problem = "\(order.id) refused although \(wanted) was free (\(wanted.keys.map { free($0) }))"
        }
        if ["PAYMENT_DECLINED", "PAYMENT_TIMEOUT", "CANCELLED", "REJECTED_OUT_OF_STOCK"].contains(status) {
            for product in wanted.keys { holds[product]?[order.id] = nil }
        }
        return problem
    }
}
