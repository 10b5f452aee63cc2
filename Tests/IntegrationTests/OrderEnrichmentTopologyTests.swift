import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StreamCore
import Testing
import TributaryTestSupport

/// `runner run` on `topologies/examples/order-enrichment.yml`: orders re-keyed by customer through a
/// repartition topic and left-joined with the identifies table; outputs compared with the expected
/// enrichment written out from the inputs.
@Suite("order-enrichment.yml end to end")
struct OrderEnrichmentTopologyTests {
    static let topology = repositoryRoot + "/topologies/examples/order-enrichment.yml"

    @Test func ordersCarryTheirCustomersLatestIdentityOrNullsWhenThereIsNone() async throws {
        let broker = try TestDevBroker(topologies: [Self.topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        func send(_ topic: String, _ key: String, _ value: String) async throws {
            try await producer.send(topic, key: key, value: value)
        }
        let customers = (0..<20).map { "C\($0)" }
        for (index, customer) in customers.enumerated() where index % 4 != 3 {
            try await send("identifies", customer, #"{"type":"identify","userId":"\#(customer)","traits":{"email":"old@example.com","firstName":"Old"}}"#)
            try await send("identifies", customer, #"{"type":"identify","userId":"\#(customer)","traits":{"email":"\#(customer.lowercased())@example.com","firstName":"Ann","lastName":"\#(customer)"}}"#)
        }
        let state = TemporaryDirectory("tributary-state")
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--state-dir", state.path, "--http-port", String(port)])
        // Orders go in once the table holds every identify: joins see the table as of processing time.
        try await waitUntil(timeout: .seconds(60)) {
            (try? await httpGet(port: port, "/stores/customers/keys/C18"))?.contains("c18@example.com") == true
        }
        var expected: Set<String> = []
        for (index, customer) in customers.enumerated() {
            let order = "O-\(index)"
            try await send("order-events", order, #"{"type":"track","event":"Order Completed","userId":"\#(customer)","timestamp":"2026-11-27T10:00:00.000Z","properties":{"order_id":"\#(order)","total":\#(index)}}"#)
            let enrichment = index % 4 == 3 ? "null|null" : "\(customer.lowercased())@example.com|Ann \(customer)"
            expected.insert("\(order)|\(customer)|\(index)|\(enrichment)")
        }
        try await send("order-events", "O-x", #"{"type":"track","event":"Order Completed","timestamp":"2026-11-27T10:00:00.000Z","properties":{"order_id":"O-x"}}"#)
        try producer.close()

        let outputs = try await TopicReader.read(["orders-enriched", "order-enrichment-dlq"], bootstrapServers: broker.bootstrapServers) { read in
            read["orders-enriched", default: []].count >= customers.count && !read["order-enrichment-dlq", default: []].isEmpty
        }
        #expect(runner.stop() == 0)
        let got = Set(outputs["orders-enriched", default: []].map { record -> String in
            let value = (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))) as? [String: Any] ?? [:]
            let properties = value["properties"] as? [String: Any] ?? [:]
            func text(_ field: Any?) -> String { field.map { $0 is NSNull ? "null" : "\($0)" } ?? "missing" }
            return "\(String(decoding: record.key ?? [], as: UTF8.self))|\(text(value["userId"]))|\(text(properties["total"]))|\(text(value["customer_email"]))|\(text(value["customer_name"]))"
        })
        #expect(got == expected)
        let deadLetter = outputs["order-enrichment-dlq", default: []].first
        let kind = deadLetter?.headers.last { $0.name == "tributary.error.kind" }?.value.map { String(decoding: $0, as: UTF8.self) }
        #expect(kind == "requirement-failed", "an order without userId is dead-lettered")
    }
}
