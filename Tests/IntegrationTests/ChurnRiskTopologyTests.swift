import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// topologies/churn-risk.yml run by `runner run` on a dev broker and `runner dev-salesforce`: a year of
/// generated orders from customers who shop for a while and then go silent, with steady traffic in
/// every partition. Each order is scored once, and each silence is scored 30, 60 and 90 days in
/// (fired by timers) exactly as a computation made here from the orders says; the queryable store
/// holds each customer's latest; Salesforce hears of a customer's bucket only when it changes.
@Suite("churn-risk.yml end to end", .acceptance)
struct ChurnRiskTopologyTests {
    static let topology = repositoryRoot + "/topologies/churn-risk.yml"
    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_767_268_800_000  // 2026-01-01T12:00:00Z

    struct Order {
        var customer: String
        var time: Int64
        var total: Int
    }

    /// Customers who order every 3 to 15 days for a while, then stop for good: gaps stay well clear of
    /// the 30 days after which silence counts, so when checks fire does not depend on timing.
    static func orders(seed: UInt64, customers: Int) -> [Order] {
        var random = SeededRandom(seed: seed)
        var orders: [Order] = []
        for index in 0..<customers {
            var time = start + Int64.random(in: 0..<120, using: &random) * day + Int64.random(in: 0..<day, using: &random)
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                orders.append(Order(customer: "C\(index)", time: time, total: Int.random(in: 20...300, using: &random)))
                time += Int64.random(in: 3...14, using: &random) * day + Int64.random(in: 0..<day, using: &random)
            }
        }
        return orders
    }

    /// What the topology must write for one customer: `(as_of, score, bucket)` per order and per
    /// silence check, computed from the formula in churn-risk.yml over the orders in `[t - 90d, t]`.
    static func expectedScores(of orders: [Order]) -> [(asOf: Int64, recency: Int64, frequency: Int, monetary: Int, score: Int, bucket: String)] {
        let sorted = orders.sorted { $0.time < $1.time }
        let last = sorted.last!.time
        let moments = sorted.map(\.time) + [30, 60, 90].map { last + $0 * day }
        return moments.map { moment in
            let inWindow = sorted.filter { $0.time >= moment - 90 * day && $0.time <= moment }
            let latest = inWindow.map(\.time).max()
            // Days are whole at orders (0) and checks (30, 60, 90): the same arithmetic as the topology's.
            let recency = latest.map { (moment - $0) / day } ?? 90
            let frequency = inWindow.count
            let monetary = inWindow.reduce(0) { $0 + $1.total }
            let raw = 60.0 * Double(min(recency, 90)) / 90 + 25 * (1 - Double(min(frequency, 10)) / 10) + 15 * (1 - Double(min(monetary, 1000)) / 1000)
            let score = Int(raw.rounded(.toNearestOrAwayFromZero))
            return (moment, recency, frequency, monetary, score, score >= 67 ? "high" : score >= 34 ? "medium" : "low")
        }
    }

    @Test func scoresRiseWithSilenceAndOnlyBucketChangesReachSalesforce() async throws {
        let orders = Self.orders(seed: 90, customers: 150)
        let byCustomer = Dictionary(grouping: orders, by: \.customer)
        // Steady traffic in every partition: a "pulse" customer per partition orders every 4 days until
        // 100 days after the last silence began, so each partition's stream time moves on (in steps
        // well inside the 30 days of grace; denser would only cost time: a sliding window recomputes
        // every window a record touches).
        let pulses = (0..<4).map { partition in
            JavaMurmur2.key(prefix: "pulse-\(partition)-", landingIn: partition)
        }
        let end = orders.map(\.time).max()! + 100 * Self.day
        let heartbeats = pulses.flatMap { pulse in stride(from: Self.start, to: end, by: Int(4 * Self.day)).map { Order(customer: pulse, time: $0, total: 1) } }
        let timeline = (orders + heartbeats).enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)

        let broker = try TestDevBroker(topologies: [Self.topology])
        let salesforce = try TestDevSalesforce()
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--http-port", String(port)], environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        try await waitForPartitions(port: port, count: 12)  // order-events, the repartition and the feedback topic
        if let status = runner.waitForExit(timeout: .zero) {
            Issue.record("the runner exited with status \(status): \(runner.standardError)")
            return
        }
        // Warm-up: an order in every partition of order-events, from every pulse customer, the day before
        // the traffic starts; the traffic waits until all four are scored, so that no partition starts
        // seconds after the others (a partition's first records were seen arriving seconds late).
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        for (partition, pulse) in pulses.enumerated() {
            let order = JavaMurmur2.key(prefix: "warm-up-\(partition)-", landingIn: partition)
            try await producer.send("order-events", key: order, value: #"{"type":"track","event":"Order Completed","userId":"\#(pulse)","timestamp":"\#(EventTimestamp.formatISO8601(Self.start - Self.day))","properties":{"order_id":"\#(order)","total":1}}"#)
        }
        // Every partition scored its warm-up order.
        try await waitUntil(timeout: .seconds(60)) {
            for pulse in pulses where (try? await httpGet(port: port, "/stores/churn-risk/keys/\(pulse)"))?.contains("\"score\"") != true { return false }
            return true
        }
        // A day of event time per 200 ms: partitions run at most a few days apart, inside the 30 days of
        // grace, and a customer's next order (at most 15 days on) reaches their task before the silence
        // check its previous one set, even when a loaded machine stalls a partition for 3 seconds.
        let began = ContinuousClock.now
        for (index, order) in timeline.enumerated() {
            let due = began + .milliseconds((order.time - Self.start) * 200 / Self.day)
            if due > ContinuousClock.now { try await Task.sleep(until: due) }
            try await producer.send("order-events", key: "O-\(index)", value: #"{"type":"track","event":"Order Completed","userId":"\#(order.customer)","timestamp":"\#(EventTimestamp.formatISO8601(order.time))","properties":{"order_id":"O-\#(index)","total":\#(order.total)}}"#)
        }
        try producer.close()

        let expected = byCustomer.mapValues(Self.expectedScores)
        // Done when every silence check has come: they are the last results of each customer, and each
        // comes once. (Counting all scores would not do: a late order makes the orders it was overtaken
        // by score again, so the count can be reached while checks are still on their way.)
        let expectedChecks = expected.values.reduce(0) { $0 + $1.filter { $0.recency != 0 }.count }
        let read = try await TopicReader.read(["churn-risk-scores", "churn-risk-churn-buckets-sink"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(240), linger: .seconds(3)) {
            $0["churn-risk-scores", default: []].filter { record in
                !String(decoding: record.key ?? [], as: UTF8.self).hasPrefix("pulse")
                    && (try? JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)))?["recency_days"]?.int64Value != 0
            }.count >= expectedChecks
        }

        // A score for every order, and the silence checks exactly. (A customer's orders come from
        // different partitions of order-events, keyed by order, so one may overtake another on the way
        // to the customer's task: its score then counts the orders that arrived before it, and the
        // late one is in every later window. The checks, long after the last order, see them all.)
        var scores: [String: [JSONValue]] = [:]
        for record in read["churn-risk-scores", default: []] {
            let customer = String(decoding: record.key ?? [], as: UTF8.self)
            guard !customer.hasPrefix("pulse") else { continue }
            scores[customer, default: []].append(try JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self)))
        }
        func line(_ score: JSONValue) -> String {
            "\(score["as_of"]?.stringValue ?? "")|\(score["recency_days"]?.int64Value ?? -1)|\(score["frequency"]?.int64Value ?? -1)|\(Int(score["monetary"]?.doubleValue ?? -1))|\(score["score"]?.int64Value ?? -1)|\(score["bucket"]?.stringValue ?? "")"
        }
        var wrong: [String] = []
        for (customer, wanted) in expected {
            let got = scores[customer] ?? []
            let orderTimes = Set(wanted.filter { $0.recency == 0 }.map { EventTimestamp.formatISO8601($0.asOf) })
            let scoredOrders = got.filter { $0["recency_days"]?.int64Value == 0 }.compactMap { $0["as_of"]?.stringValue }
            let checks = got.filter { $0["recency_days"]?.int64Value != 0 }.map(line)
            let wantedChecks = wanted.filter { $0.recency != 0 }.map { "\(EventTimestamp.formatISO8601($0.asOf))|\($0.recency)|\($0.frequency)|\($0.monetary)|\($0.score)|\($0.bucket)" }
            // A late order also updates the windows of the orders it was overtaken by, as Kafka Streams'
            // sliding windows do: their scores come again, so each order time is scored at least once.
            if Set(scoredOrders) != orderTimes || checks != wantedChecks {
                wrong.append("\(customer): got \(got.map(line)), want \(wanted.map { "\(EventTimestamp.formatISO8601($0.asOf))|\($0.score)" })")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) customers differ: \(wrong.prefix(3))")

        // The latest score is queryable; the CRM got each change of bucket, and nothing else.
        for customer in byCustomer.keys.sorted().prefix(20) {
            let answer = try JSONValue(parsing: try await httpGet(port: port, "/stores/churn-risk/keys/\(customer)"))
            #expect(answer["value"]?["score"]?.int64Value == Int64(expected[customer]!.last!.score), "\(customer) latest score")
        }
        var sent: [String: [String]] = [:]
        for record in read["churn-risk-churn-buckets-sink", default: []] {
            let value = try JSONValue(parsing: String(decoding: record.value ?? [], as: UTF8.self))
            sent[value["Customer_Id__c"]?.stringValue ?? "", default: []].append(value["Churn_Risk__c"]?.stringValue ?? "")
        }
        for customer in expected.keys {
            let buckets = (scores[customer] ?? []).compactMap { $0["bucket"]?.stringValue }
            let changes = buckets.reduce(into: [String]()) { changes, bucket in if changes.last != bucket { changes.append(bucket) } }
            #expect(sent[customer] == changes, "\(customer): sent \(sent[customer] ?? []), bucket changes \(changes)")
        }
        let contacts = try await salesforce.waitForRecords(of: "Contact") { records in
            let buckets = Dictionary(records.values.map { ($0["Customer_Id__c"]?.stringValue ?? "", $0["Churn_Risk__c"]?.stringValue ?? "") }, uniquingKeysWith: { $1 })
            return expected.allSatisfy { buckets[$0.key] == $0.value.last!.bucket }
        }
        let buckets = Dictionary(contacts.values.map { ($0["Customer_Id__c"]?.stringValue ?? "", $0["Churn_Risk__c"]?.stringValue ?? "") }, uniquingKeysWith: { $1 })
        #expect(expected.allSatisfy { buckets[$0.key] == $0.value.last!.bucket }, "each Contact carries its customer's latest bucket")
        #expect(runner.stop() == 0)
    }
}
