import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// topologies/support-routing.yml run by `runner run` against a dev broker and `runner dev-salesforce`,
/// on the 135 held-out inquiries (which the classifiers never trained on): every inquiry gets exactly
/// one answer or escalation, and every escalation becomes a Case carrying its context.
@Suite("support-routing.yml end to end")
struct SupportRoutingTopologyTests {
    static let topology = repositoryRoot + "/topologies/support-routing.yml"

    @Test func everyInquiryIsAnsweredOrEscalatedOnceAndEveryEscalationIsACase() async throws {
        let lines = try String(contentsOfFile: repositoryRoot + "/topologies/support/inquiries-heldout.jsonl", encoding: .utf8).split(separator: "\n")
        let inquiries = try lines.enumerated().map { index, line -> (key: String, value: String, id: String, channel: String, orderID: String?) in
            guard case .object(var fields) = try JSONValue(parsing: String(line)) else { throw TestFailure("not an object: \(line)") }
            let user = "C\(index)"
            let id = fields["inquiry_id"]?.stringValue ?? ""
            fields["userId"] = .string(user)
            fields["timestamp"] = .string(EventTimestamp.formatISO8601(1_795_773_600_000 + Int64(index) * 60_000))
            fields["intent"] = nil
            fields["urgency"] = nil
            return (user, JSONSerializer.serializeToString(.object(fields)), id, fields["channel"]?.stringValue ?? "", fields["order_id"]?.stringValue)
        }
        // Half of the orders the inquiries name are known to order-status.
        let known = Set(inquiries.compactMap(\.orderID).enumerated().filter { $0.offset % 2 == 0 }.map(\.element))

        let broker = try TestDevBroker(topologies: [Self.topology])
        let salesforce = try TestDevSalesforce()
        // Waits (--max-task-idle-ms) for the repartitioned orders rather than running ahead on inquiries.
        let runner = try TestRunnerProcess(topology: Self.topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--max-task-idle-ms", "3000"], environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("order-status", known.sorted().map { ($0, #"{"order_id":"\#($0)","status":"SHIPPED","updated_at":"2026-11-27T07:00:00.000Z"}"#) })
        // Customer C1 (a high-value customer: always escalated) has an order and a page view before
        // writing in; the Case carries both.
        try producer.sendAll("order-events", [("O-9001", #"{"event":"Order Completed","userId":"C1","timestamp":"2026-11-26T08:00:00.000Z","properties":{"order_id":"O-9001","total":1500,"currency":"EUR"}}"#)])
        try producer.sendAll("customer-interactions", [("C1", #"{"event":"Product Viewed","userId":"C1","timestamp":"2026-11-27T07:55:00.000Z","properties":{"product_id":"P42"}}"#)])
        try await Task.sleep(for: .seconds(2))
        try producer.sendAll("support-inquiries", inquiries.map { ($0.key, $0.value) })
        try producer.close()
        let read = try await TopicReader.read(["support-responses", "support-escalations"], bootstrapServers: broker.bootstrapServers, timeout: .seconds(120), linger: .seconds(2)) {
            $0["support-responses", default: []].count + $0["support-escalations", default: []].count >= inquiries.count
        }
        func ids(_ topic: String) -> [String] {
            read[topic, default: []].compactMap { record in record.value.flatMap { try? JSONValue(parsing: $0) }?["inquiry_id"]?.stringValue }
        }
        let (answered, escalated) = (ids("support-responses"), ids("support-escalations"))
        let cases = try await salesforce.waitForRecords(of: "Case") { $0.count >= escalated.count }
        #expect(runner.stop() == 0)

        #expect((answered + escalated).sorted() == inquiries.map(\.id).sorted(), "each inquiry exactly once, answered or escalated")
        #expect(!answered.isEmpty && !escalated.isEmpty)
        #expect(Set(cases.keys) == Set(escalated), "every escalation is a Case, upserted by Inquiry_Id__c")
        for inquiry in inquiries where cases[inquiry.id] != nil {
            let record = cases[inquiry.id]!
            let origin = ["twitter": "Social", "facebook": "Social", "instagram": "Social", "email": "Email", "chat": "Chat", "phone": "Phone"][inquiry.channel]
            #expect(record["Origin"]?.stringValue == origin, "\(inquiry.id) from \(inquiry.channel)")
            #expect(record["Contact"]?["Customer_Id__c"]?.stringValue == inquiry.key)
            #expect(record["Description"]?.stringValue?.contains("Escalated because: ") == true)
            #expect(record["Status"]?.stringValue == "New")
        }
        let c1 = try #require(inquiries.first { $0.key == "C1" })
        let description = try #require(cases[c1.id]?["Description"]?.stringValue)
        #expect(description.contains("Last orders:\nO-9001") && description.contains("Product Viewed P42"), "\(description)")
        let responses = read["support-responses", default: []].compactMap { $0.value.flatMap { try? JSONValue(parsing: $0) } }
        #expect(responses.allSatisfy { $0["automated"] == true && $0["answer"]?.stringValue?.isEmpty == false })
        let tracked = responses.filter { $0["intent"] == "order_tracking" }
        #expect(tracked.allSatisfy { $0["answer"]?.stringValue?.contains("is shipped") == true }, "order answers come from order-status")
    }
}
