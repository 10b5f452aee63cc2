import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// The `salesforce` step's `insert` and `update` operations run by `runner run` against a dev broker
/// and `runner dev-salesforce` over real HTTP: every inserted record becomes its own Case, and updates
/// by `Id` merge into existing Contacts or, for an unknown `Id`, reach the dead-letter topic.
@Suite("Salesforce sink insert and update end to end")
struct SalesforceOperationsTests {
    /// The client-credentials flow against the stand-in's default connected app.
    static func environment(_ salesforce: TestDevSalesforce) -> [String: String] {
        [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ]
    }

    /// Writes a topology reading `topic` into one `salesforce` step with `step`'s settings (one per
    /// line, unindented), short retries and batches, so that the test runs in seconds.
    static func topology(in directory: TemporaryDirectory, application: String, topic: String, step: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let file = directory.path + "/\(application).yml"
        let text = """
            name: \(application)
            application-id: \(application)
            sources:
              input:
                topic: \(topic)
            pipelines:
              to-salesforce:
                from: input
                steps:
                  - salesforce:
            \(step.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
                      batch: { size: 50, linger: 200ms }
                      retry: { initial: 200ms, max: 2s }

            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func everyInsertedRecordBecomesItsOwnCaseNoneCoalescedAway() async throws {
        let directory = TemporaryDirectory("tributary-state")
        let topology = try Self.topology(in: directory, application: "cases-to-salesforce", topic: "inquiries", step: """
            name: cases
            sobject: Case
            operation: insert
            fields:
              Subject: value.subject
              Description: value.text
            """)
        let broker = try TestDevBroker(topologies: [topology])
        let salesforce = try TestDevSalesforce()
        // Few keys, and repeated subjects: an upsert or update would fold these together; an insert must not.
        let inquiries = (0..<300).map { index in
            (key: "C\(index % 7)", subject: "Inquiry \(index % 10)", text: "Message number \(index)")
        }
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("inquiries", inquiries.map { ($0.key, #"{"subject":"\#($0.subject)","text":"\#($0.text)"}"#) })
        try producer.close()

        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: Self.environment(salesforce))
        _ = try await salesforce.waitForRecords(of: "Case") { $0.count >= inquiries.count }
        // Time for a record that should not be there (a duplicate) to show.
        try await Task.sleep(for: .seconds(2))
        let cases = try #require(try await salesforce.send("GET", "/records/Case").body?.objectValue)
        #expect(runner.stop() == 0)

        #expect(cases.count == inquiries.count, "\(cases.count) Cases for \(inquiries.count) records")
        #expect(cases.allSatisfy { key, fields in fields["Id"] == .string(key) && key.hasPrefix("500") }, "created Cases are keyed by their Id")
        let written = cases.map(\.value).map { "\($0["Subject"]?.stringValue ?? "")|\($0["Description"]?.stringValue ?? "")" }.sorted()
        #expect(written == inquiries.map { "\($0.subject)|\($0.text)" }.sorted())
        let calls = try await salesforce.collectionsCalls()
        #expect(!calls.isEmpty && calls.allSatisfy { $0["method"] == "POST" && $0["path"] == "/services/data/v62.0/composite/sobjects" && $0["status"] == 200 })
        #expect(calls.allSatisfy { ($0["records"]?.int64Value ?? 0) <= 50 })
        #expect(calls.compactMap { $0["records"]?.int64Value }.reduce(0, +) == Int64(inquiries.count), "each record sent once")
    }

    @Test func updatesByIdMergeIntoExistingContactsAndAnUnknownIdIsDeadLettered() async throws {
        let directory = TemporaryDirectory("tributary-state")
        let application = "contact-updates-to-salesforce"
        let topology = try Self.topology(in: directory, application: application, topic: "email-changes", step: """
            name: contact-emails
            sobject: Contact
            operation: update
            fields:
              Id: value.contactId
              Email: value.email
            """)
        let broker = try TestDevBroker(topologies: [topology])
        let salesforce = try TestDevSalesforce()

        // The Contacts exist already, created through the stand-in's API; their ids are Salesforce's.
        let customers = (0..<20).map { "C\($0)" }
        let token = try await salesforce.token()
        let upserted = try await salesforce.upsert(customers.map { ["Customer_Id__c": .string($0), "LastName": .string("L\($0)"), "Email": "old@example.com"] }, token: token)
        #expect(upserted.status == 200)
        let existing = try #require(try await salesforce.send("GET", "/records/Contact").body?.objectValue)
        let ids = try customers.map { customer in try #require(existing[customer]?["Id"]?.stringValue) }

        let unknownID = "003000000000999AAA"
        var changes = zip(customers, ids).map { customer, id in (key: customer, value: #"{"contactId":"\#(id)","email":"\#(customer.lowercased())@example.com"}"#) }
        changes.append((key: "C-unknown", value: #"{"contactId":"\#(unknownID)","email":"ghost@example.com"}"#))
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("email-changes", changes)
        try producer.close()

        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: Self.environment(salesforce))
        let contacts = try await salesforce.waitForRecords(of: "Contact") { contacts in
            customers.allSatisfy { contacts[$0]?["Email"]?.stringValue == "\($0.lowercased())@example.com" }
        }
        let dlq = try await TopicReader.read(["\(application)-dlq"], bootstrapServers: broker.bootstrapServers, linger: .seconds(2)) { read in
            !read["\(application)-dlq", default: []].isEmpty
        }["\(application)-dlq", default: []]
        #expect(runner.stop() == 0)

        // The update landed on every Contact, under its external id, and kept the fields it did not send.
        #expect(contacts.count == customers.count, "no Contact created by an update")
        for (customer, id) in zip(customers, ids) {
            #expect(contacts[customer] == ["Id": .string(id), "Customer_Id__c": .string(customer), "LastName": .string("L\(customer)"), "Email": .string("\(customer.lowercased())@example.com")])
        }
        let calls = try await salesforce.collectionsCalls().filter { $0["method"] == "PATCH" && $0["path"] == "/services/data/v62.0/composite/sobjects" }
        #expect(calls.compactMap { $0["records"]?.int64Value }.reduce(0, +) == Int64(changes.count), "each update sent once")

        #expect(dlq.count == 1)
        let letter = try #require(dlq.first)
        #expect(letter.headers.contains(KafkaHeader("tributary.salesforce.status-code", "INVALID_CROSS_REFERENCE_KEY")))
        #expect(letter.headers.contains(KafkaHeader("tributary.error.kind", "sink-rejected")))
        #expect(letter.value.map { String(decoding: $0, as: UTF8.self).contains(unknownID) } == true)
    }
}
