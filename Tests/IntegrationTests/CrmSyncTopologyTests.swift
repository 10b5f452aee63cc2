import Foundation
import StreamCore
import Testing

/// topologies/crm-sync.yml run by `runner run` against a dev broker and `runner dev-salesforce`:
/// 50,000 interaction events of 2,000 customers over three hours of event time become one
/// Customer_Activity__c per customer-hour, in at most 60 Salesforce calls, equal to a summary
/// computed here independently; contacts and orders arrive whole, with their latest state.
@Suite("crm-sync.yml end to end")
struct CrmSyncTopologyTests {
    static let topology = repositoryRoot + "/topologies/crm-sync.yml"
    static let start = Date(timeIntervalSince1970: 1_795_773_600)  // 2026-11-27T08:00:00Z

    /// One interaction, as the generator writes it and as the reference reads it.
    struct Interaction {
        var customer: String
        var event: String
        var category: String?
        var time: Date
    }

    /// Deterministic traffic: times rising through three hours with up to two minutes of jitter
    /// (inside the five minutes of grace), random customers, events and categories.
    static func traffic(count: Int, customers: Int) -> [Interaction] {
        var random = SeededRandom(seed: 2026)
        let events = ["Product Viewed", "Product Viewed", "Product Viewed", "Product List Viewed", "Product Added", "Checkout Started", "Products Searched"]
        let categories = ["shoes", "bags", "hats", "coats", "socks", "scarves", "belts", "gloves"]
        let span = 3 * 3600.0
        return (0..<count).map { index in
            let jitter = Double.random(in: 0..<120, using: &random)
            let time = start.addingTimeInterval(max(0, Double(index) * span / Double(count) - jitter))
            let event = events.randomElement(using: &random)!
            let hasCategory = event.hasPrefix("Product ") && Int.random(in: 0..<10, using: &random) > 0
            return Interaction(
                customer: "C\(Int.random(in: 0..<customers, using: &random))", event: event,
                category: hasCategory ? categories.randomElement(using: &random) : nil, time: time)
        }
    }

    static func json(_ interaction: Interaction) -> String {
        let category = interaction.category.map { #","category":"\#($0)""# } ?? ""
        let timestamp = EventTimestamp.formatISO8601(Int64(interaction.time.timeIntervalSince1970 * 1000))
        return #"{"type":"track","event":"\#(interaction.event)","userId":"\#(interaction.customer)","timestamp":"\#(timestamp)","properties":{"product_id":"P1"\#(category)}}"#
    }

    /// The summaries the topology must write, computed from the traffic directly: per customer and
    /// hour, the counts and the three most frequent categories (ties by name), `;`-separated.
    static func expectedSummaries(_ traffic: [Interaction]) -> [String: (views: Int, cartAdds: Int, checkouts: Int, top: String)] {
        var tallies: [String: (views: Int, cartAdds: Int, checkouts: Int, categories: [String: Int])] = [:]
        let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon)
        for interaction in traffic {
            let hour = Date(timeIntervalSince1970: (interaction.time.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            let id = "\(interaction.customer)-\(String(format.format(hour).prefix(16)))Z"
            var tally = tallies[id] ?? (0, 0, 0, [:])
            if interaction.event == "Product Viewed" { tally.views += 1 }
            if interaction.event == "Product Added" { tally.cartAdds += 1 }
            if interaction.event == "Checkout Started" { tally.checkouts += 1 }
            if let category = interaction.category { tally.categories[category, default: 0] += 1 }
            tallies[id] = tally
        }
        return tallies.mapValues { tally in
            let top = tally.categories.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3).map(\.key)
            return (tally.views, tally.cartAdds, tally.checkouts, top.joined(separator: ";"))
        }
    }

    @Test func hourlyActivityOf50000EventsCostsAtMost60CallsAndEqualsAnIndependentSummary() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let salesforce = try TestDevSalesforce()
        let traffic = Self.traffic(count: 50_000, customers: 2_000)
        let expected = Self.expectedSummaries(traffic)
        // After the traffic, one event per input partition ten minutes past the third hour: every
        // partition's stream time passes the last hour's end plus grace, so that hour closes too.
        let flushTime = Self.start.addingTimeInterval(3 * 3600 + 600)
        let flushKeys = (0..<4).map { partition in
            JavaMurmur2.key(prefix: "flush-", landingIn: partition)
        }
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("customer-interactions", traffic.map { ($0.customer, Self.json($0)) }
            + flushKeys.map { ($0, Self.json(Interaction(customer: $0, event: "Page Viewed", category: nil, time: flushTime))) })
        try producer.close()

        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        let written = try await salesforce.waitForRecords(of: "Customer_Activity__c") { $0.count >= expected.count }
        try await Task.sleep(for: .seconds(2))
        let calls = try await salesforce.collectionsCalls().filter { $0["path"]?.stringValue?.contains("/Customer_Activity__c/") == true }
        #expect(runner.stop() == 0)

        // The figure docs/SHOP.md quotes, in the test log.
        print("measured: 50,000 interaction events, \(expected.count) customer-hour summaries, \(calls.count) Customer_Activity__c calls")
        #expect(written.count == expected.count, "one summary per customer-hour")
        #expect(calls.count <= 60, "\(calls.count) calls for \(expected.count) summaries")
        var mismatches: [String] = []
        for (id, want) in expected {
            guard let record = written[id] else {
                mismatches.append("\(id) missing")
                continue
            }
            let got = (record["Views__c"]?.int64Value, record["Cart_Adds__c"]?.int64Value, record["Checkouts__c"]?.int64Value, record["Top_Categories__c"]?.stringValue)
            if got.0 != Int64(want.views) || got.1 != Int64(want.cartAdds) || got.2 != Int64(want.checkouts) || got.3 != want.top {
                mismatches.append("\(id): want \(want), got \(got)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let sample = try #require(written.values.first)
        #expect(sample["Customer__r"]?["Customer_Id__c"]?.stringValue?.hasPrefix("C") == true)
    }
}
