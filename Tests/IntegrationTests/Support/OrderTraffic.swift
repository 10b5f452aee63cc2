import Foundation
import StreamCore

/// Generated shop traffic for the orders topology: orders over scarce stock, restocks, cancellations,
/// and the payment gateway's planned answer to each order (authorise, decline, or never answer).
/// Deterministic for a seed; everything the checks compare against comes from this plan, not from the
/// engine.
struct OrderTraffic {
    enum Payment: String { case authorize, decline, never }

    struct Order {
        var id: String
        var customer: String
        var placedAt: Int64
        var lines: [(product: String, quantity: Int)]
        var total: Double
        var payment: Payment
        /// When the gateway's answer is timestamped (event time), for orders it answers.
        var answerAt: Int64
        var cancelAt: Int64?
    }

    /// One record to send, in event-time order.
    struct Event {
        var at: Int64
        var topic: String
        var key: String
        var value: String
    }

    static let start: Int64 = 1_795_773_600_000  // 2026-11-27T10:00:00Z

    var orders: [Order] = []
    /// The first snapshot of each product.
    var initialStock: [String: Int] = [:]
    /// Restocks: new, higher snapshots part-way through.
    var restocks: [(at: Int64, product: String, available: Int)] = []

    init(seed: UInt64, orderCount: Int, products productCount: Int, span: Int64) {
        var random = SeededRandom(seed: seed)
        let products = (0..<productCount).map { String(format: "P%02d", $0) }
        for product in products { initialStock[product] = Int.random(in: 10...30, using: &random) }
        for product in products.shuffled(using: &random).prefix(productCount / 3) {
            restocks.append((Self.start + span / 2, product, initialStock[product]! + Int.random(in: 3...6, using: &random)))
        }
        for index in 0..<orderCount {
            let placedAt = Self.start + Int64(index) * span / Int64(orderCount)
            // Skewed popularity: low-numbered products sell out.
            let lines = (0..<Int.random(in: 1...2, using: &random)).map { _ in
                let pick = Double.random(in: 0..<1, using: &random)
                return (product: products[Int(pick * pick * Double(productCount))], quantity: Int.random(in: 1...2, using: &random))
            }
            let roll = Int.random(in: 0..<100, using: &random)
            let payment: Payment = roll < 70 ? .authorize : roll < 85 ? .decline : .never
            let cancels = Int.random(in: 0..<100, using: &random) < 8
            orders.append(Order(
                id: "O-\(seed)-\(index)", customer: "C\(Int.random(in: 0..<200, using: &random))", placedAt: placedAt, lines: lines,
                total: Double(lines.reduce(0) { $0 + $1.quantity * 10 }), payment: payment,
                answerAt: placedAt + Int64.random(in: 5_000...120_000, using: &random),
                cancelAt: cancels ? placedAt + Int64.random(in: 30_000...300_000, using: &random) : nil))
        }
    }

    /// The highest snapshot of each product: its stock plus restocks.
    var stockWithRestocks: [String: Int] {
        var stock = initialStock
        for restock in restocks { stock[restock.product] = max(stock[restock.product]!, restock.available) }
        return stock
    }

    /// Order placements, cancellations and restocks, in event-time order (the gateway's answers are
    /// not here: they answer payment requests as they come).
    var events: [Event] {
        var events: [Event] = []
        for order in orders {
            let lines = order.lines.map { #"{"product_id":"\#($0.product)","quantity":\#($0.quantity),"price":10}"# }.joined(separator: ",")
            events.append(Event(at: order.placedAt, topic: "order-events", key: order.id, value: #"{"type":"track","event":"Order Completed","userId":"\#(order.customer)","timestamp":"\#(Self.iso(order.placedAt))","properties":{"order_id":"\#(order.id)","total":\#(order.total),"currency":"EUR","products":[\#(lines)]}}"#))
            if let cancelAt = order.cancelAt {
                events.append(Event(at: cancelAt, topic: "order-events", key: order.id, value: #"{"type":"track","event":"Order Cancelled","userId":"\#(order.customer)","timestamp":"\#(Self.iso(cancelAt))","properties":{"order_id":"\#(order.id)"}}"#))
            }
        }
        for restock in restocks {
            events.append(Event(at: restock.at, topic: "inventory", key: restock.product, value: #"{"product_id":"\#(restock.product)","available":\#(restock.available)}"#))
        }
        return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// How each order ends when stock is ample (no order competes for it), from its events in event
    /// time: a cancellation before the payment answer (or with none) → CANCELLED, its authorisation
    /// then voided; otherwise authorised → CONFIRMED, declined → PAYMENT_DECLINED, no answer →
    /// PAYMENT_TIMEOUT.
    var endingsWithAmpleStock: (statuses: [String: String], voids: Set<String>) {
        endingsWithAmpleStock { $0.cancelAt! < $0.answerAt }
    }

    /// The same, where `cancelledFirst` says of an order with both a cancellation and an answer whether
    /// the cancellation counts as first (orders.yml takes the two in the order they arrive).
    func endingsWithAmpleStock(cancelledFirst: (Order) -> Bool) -> (statuses: [String: String], voids: Set<String>) {
        var statuses: [String: String] = [:]
        var voids: Set<String> = []
        for order in orders {
            if order.cancelAt != nil, order.payment == .never || cancelledFirst(order) {
                statuses[order.id] = "CANCELLED"
                if order.payment == .authorize { voids.insert(order.id) }
            } else {
                statuses[order.id] = switch order.payment {
                case .authorize: "CONFIRMED"
                case .decline: "PAYMENT_DECLINED"
                case .never: "PAYMENT_TIMEOUT"
                }
            }
        }
        return (statuses, voids)
    }

    /// One late order per partition of order-events, an hour after the last event: each moves its
    /// partition's stream time past every deadline. They buy a product of their own (`PZ`) and are
    /// left out of the checks.
    func closingOrders(partitions: Int) -> [Event] {
        let closingAt = (events.last?.at ?? Self.start) + 3_600_000
        return (0..<partitions).map { partition in
            let order = JavaMurmur2.key(prefix: "closing-\(partition)-", landingIn: partition, of: partitions)
            return Event(at: closingAt, topic: "order-events", key: order, value: #"{"type":"track","event":"Order Completed","userId":"C0","timestamp":"\#(Self.iso(closingAt))","properties":{"order_id":"\#(order)","total":1,"currency":"EUR","products":[{"product_id":"PZ","quantity":1}]}}"#)
        }
    }

    /// The gateway's webhook for `order`, or nil when it never answers.
    func paymentEvent(for order: Order) -> String? {
        guard order.payment != .never else { return nil }
        let status = order.payment == .authorize ? "authorized" : "declined"
        return #"{"order_id":"\#(order.id)","status":"\#(status)","amount":\#(order.total),"provider_ref":"pay-\#(order.id)","timestamp":"\#(Self.iso(order.answerAt))"}"#
    }

    static func iso(_ milliseconds: Int64) -> String { EventTimestamp.formatISO8601(milliseconds) }
}
