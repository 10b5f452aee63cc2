import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// topologies/orders.yml run by three `runner run` instances of one application against a dev broker,
/// with the test playing the payment gateway (its `http` sink posts authorisation requests to the
/// test, which answers with webhooks on payment-events): generated orders over scarce stock, restocks, declined
/// and missing payments and cancellations, while one instance is killed with SIGKILL and later
/// restarted. Checked against the traffic plan alone: no product sells more than its stock plus
/// restocks, every order ends in exactly one terminal status consistent with its payment, stock
/// released by failed orders is sold again, and the queryable stores agree.
@Suite("orders.yml end to end", .acceptance)
struct OrdersTopologyTests {
    static let topology = repositoryRoot + "/topologies/orders.yml"
    static let terminal: Set<String> = ["CONFIRMED", "REJECTED_OUT_OF_STOCK", "PAYMENT_DECLINED", "PAYMENT_TIMEOUT", "CANCELLED"]

    /// What the topology wrote to order-status for one order, de-duplicated by `tributary.id` (outputs
    /// are at least once: a record re-produced after a crash has the same id).
    struct StatusHistory {
        var statuses: [String] = []
        var ids: Set<String> = []
    }

    @Test func threeInstancesOneKilledNeverOversellAndEndEveryOrderOnce() async throws {
        let traffic = OrderTraffic(seed: 11, orderCount: 360, products: 30, span: 2 * 3_600_000)
        let plan = Dictionary(uniqueKeysWithValues: traffic.orders.map { ($0.id, $0) })
        let broker = try TestDevBroker(topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("inventory", traffic.initialStock.sorted { $0.key < $1.key }.map { ($0.key, #"{"product_id":"\#($0.key)","available":\#($0.value)}"#) } + [("PZ", #"{"product_id":"PZ","available":1000}"#)])
        let gateway = try await TestPaymentGateway(bootstrapServers: broker.bootstrapServers) { orderID in plan[orderID].flatMap(traffic.paymentEvent) }

        let states = (0..<3).map { _ in TemporaryDirectory("tributary-state") }
        let ports = (0..<3).map { _ in TestPorts.next() }
        func start(_ instance: Int) throws -> TestRunnerProcess {
            try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", states[instance].path, "--http-port", String(ports[instance])],
                                  environment: ["PAYMENT_GATEWAY_URL": gateway.url])
        }
        var runners = try (0..<3).map(start)
        // The group forms before traffic starts: six input topics of four partitions, shared by the three.
        try await waitForGroup(ports: ports, partitions: 24)

        // Event time runs at one minute per second of wall-clock time, so a payment's round trip
        // (reservation, http sink, gateway, webhook) is well inside the 15 minutes of event time an
        // order waits, even on a loaded machine while an instance's partitions move (at 0.6 s a
        // minute, loaded CI runs timed out so many payments that no released product sold out).
        let events = traffic.events
        let began = ContinuousClock.now
        for (index, event) in events.enumerated() {
            let due = began + .milliseconds((event.at - OrderTraffic.start) / 60)
            if due > ContinuousClock.now { try await Task.sleep(until: due) }
            if index == events.count * 2 / 5 { runners[1].stop(signal: SIGKILL) }
            if index == events.count * 7 / 10 { runners[1] = try start(1) }
            try await producer.send(event.topic, key: event.key, value: event.value)
        }
        for order in traffic.closingOrders(partitions: 4) {
            try await producer.send(order.topic, key: order.key, value: order.value)
        }
        try producer.close()

        // Read until every order has ended and the late-payment path has run its course: a payment request
        // held up while an instance's partitions move reaches the gateway after its order timed out, and
        // the authorisation that then comes back is voided.
        let planned = Set(plan.keys)
        let read = try await TopicReader.read(["order-status", "payment-voids", "orders-dlq"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(240), linger: .seconds(3)) { read in
            let histories = Self.histories(read["order-status", default: []])
            guard planned.isSubset(of: Set(histories.filter { !Self.terminal.isDisjoint(with: $0.value.statuses) }.keys)) else { return false }
            guard Set(histories.filter { $0.value.statuses.contains("RESERVED") }.keys).isSubset(of: gateway.requestedOrders) else { return false }
            let owedVoids = histories.filter { $0.value.statuses.contains("PAYMENT_TIMEOUT") && plan[$0.key]?.payment == .authorize }.keys
            return Set(owedVoids).isSubset(of: Self.voided(read))
        }
        gateway.stop()
        let histories = Self.histories(read["order-status", default: []])
        let voided = Self.voided(read)

        // Every order: exactly one terminal status, reached the right way, consistent with its payment.
        var problems: [String] = []
        var tally: [String: Int] = [:]
        var confirmed: [String: Int] = [:]
        var released: Set<String> = []
        for order in traffic.orders {
            let statuses = histories[order.id]?.statuses ?? []
            let ends = Set(statuses).intersection(Self.terminal)
            guard ends.count == 1, let end = ends.first else {
                problems.append("\(order.id): terminal statuses \(ends.sorted()) in \(statuses)")
                continue
            }
            tally[end, default: 0] += 1
            let wasReserved = statuses.contains("RESERVED")
            let consistent = switch end {
            case "CONFIRMED": order.payment == .authorize && wasReserved
            case "PAYMENT_DECLINED": order.payment == .decline && wasReserved
            // No answer, or one that came after the deadline (an authorisation is then voided).
            case "PAYMENT_TIMEOUT": wasReserved && (order.payment != .authorize || voided.contains(order.id))
            case "CANCELLED": order.cancelAt != nil
            default: !wasReserved  // REJECTED_OUT_OF_STOCK: never asked for payment
            }
            if !consistent { problems.append("\(order.id): \(end) after \(statuses), payment \(order.payment), cancelled \(order.cancelAt != nil)") }
            if statuses.first != "PLACED" { problems.append("\(order.id): first status \(statuses.first ?? "none")") }
            if end == "CONFIRMED" {
                for line in order.lines { confirmed[line.product, default: 0] += line.quantity }
            } else if wasReserved {
                for line in order.lines { released.insert(line.product) }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) orders: \(problems.prefix(10))")
        let reserved = Set(traffic.orders.map(\.id).filter { histories[$0]?.statuses.contains("RESERVED") == true })
        #expect(reserved.subtracting(gateway.requestedOrders).isEmpty, "the http sink asked the gateway to authorise every reserved order")
        for orderID in voided { #expect(plan[orderID]?.payment == .authorize && histories[orderID]?.statuses.contains("CONFIRMED") == false, "void for \(orderID)") }
        #expect(read["orders-dlq", default: []].isEmpty, "no order or payment was dead-lettered")

        // No product sells more than its stock plus restocks; what failed orders released was sold again.
        let stock = traffic.stockWithRestocks
        for (product, quantity) in confirmed { #expect(quantity <= stock[product]!, "\(product): \(quantity) confirmed, \(stock[product]!) in stock") }
        let resold = released.filter { confirmed[$0] == stock[$0] }
        #expect(!resold.isEmpty, "some product whose reservations were released sold out all the same")
        for status in Self.terminal { #expect(tally[status, default: 0] > 0, "some order ends \(status)") }

        // The stores, asked over HTTP, agree: each product's reservations are exactly its confirmed sales.
        for product in stock.keys.sorted() {
            let value = try await Self.query(ports: ports, "/stores/stock/keys/\(product)")
            #expect(value?["available"]?.int64Value == Int64(stock[product]!), "\(product) available")
            #expect(value?["reserved"]?.int64Value == Int64(confirmed[product, default: 0]), "\(product) reserved")
            #expect(value?["confirmed"]?.int64Value == Int64(confirmed[product, default: 0]), "\(product) confirmed")
            #expect(value?["holds"] == .object([:]), "\(product) holds nothing")
        }
        for order in traffic.orders.prefix(40) {
            let value = try await Self.query(ports: ports, "/stores/order-status/keys/\(order.id)")
            #expect(value?["status"]?.stringValue == histories[order.id]?.statuses.last, "\(order.id) latest status")
        }
        for runner in runners { #expect(runner.stop() == 0) }
        print("measured: orders e2e (3 instances, one killed): \(tally.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), voided \(voided.count), resold products \(resold.count)")
    }

    /// The orders whose authorisation the topology voided.
    static func voided(_ read: [String: [ConsumerRecord]]) -> Set<String> {
        Set(read["payment-voids", default: []].map { String(decoding: $0.key ?? [], as: UTF8.self) })
    }

    static func histories(_ records: [ConsumerRecord]) -> [String: StatusHistory] {
        var histories: [String: StatusHistory] = [:]
        for record in records {
            let order = String(decoding: record.key ?? [], as: UTF8.self)
            let id = record.headers.last { $0.name == OriginHeaders.id }?.value.map { String(decoding: $0, as: UTF8.self) } ?? UUID().uuidString
            guard histories[order, default: StatusHistory()].ids.insert(id).inserted,
                  let value = try? JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)),
                  let status = value["status"]?.stringValue else { continue }
            histories[order]!.statuses.append(status)
        }
        return histories
    }

    /// The value of a key from whichever instance owns it.
    static func query(ports: [Int], _ path: String) async throws -> JSONValue? {
        for port in ports {
            guard let body = try? await httpGet(port: port, path), let answer = try? JSONValue(parsing: body), let value = answer["value"] else { continue }
            return value
        }
        return nil
    }
}
