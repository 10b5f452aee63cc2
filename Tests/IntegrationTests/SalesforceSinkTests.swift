import Foundation
import StreamCore
import Testing
import _CryptoExtras

/// contacts-to-salesforce.yml run by `runner run` against a dev broker and `runner dev-salesforce`
/// over real HTTP: batching and coalescing, every scripted fault in one run, a kill -9 while calls
/// fail — and nothing lost, nothing delivered twice over, no secret in the log.
@Suite("Salesforce sink end to end")
struct SalesforceSinkTests {
    static let example = repositoryRoot + "/topologies/examples/contacts-to-salesforce.yml"

    /// Identify events: customers C0..<`customers`, the first `updated` of them identified twice with
    /// a newer e-mail the second time. Returns the events in order and the latest e-mail per customer.
    static func identifies(customers: Int, updated: Int, prefix: String = "C") -> (events: [(key: String, value: String)], latest: [String: String]) {
        var events: [(key: String, value: String)] = []
        var latest: [String: String] = [:]
        func identify(_ id: String, _ email: String) {
            events.append((id, #"{"type":"identify","userId":"\#(id)","traits":{"email":"\#(email)","firstName":"F\#(id)","lastName":"L\#(id)"}}"#))
            latest[id] = email
        }
        for index in 0..<customers { identify("\(prefix)\(index)", "\(prefix.lowercased())\(index)@example.com") }
        for index in 0..<updated { identify("\(prefix)\(index)", "\(prefix.lowercased())\(index)-new@example.com") }
        return (events, latest)
    }

    @Test func tenThousandRecordsAreUpsertedInBatchesOfAtMost200WithTheLatestValues() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let keys = TemporaryStateDirectory()
        let privateKeyFile = keys.path + "/app.key", publicKeyFile = keys.path + "/app.pub"
        try FileManager.default.createDirectory(atPath: keys.path, withIntermediateDirectories: true)
        try key.pemRepresentation.write(toFile: privateKeyFile, atomically: true, encoding: .utf8)
        try key.publicKey.pemRepresentation.write(toFile: publicKeyFile, atomically: true, encoding: .utf8)

        let broker = try TestDevBroker(topologies: [Self.example])
        let salesforce = try TestDevSalesforce(["--public-key-file", publicKeyFile])
        let input = Self.identifies(customers: 8_000, updated: 2_000)
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("identifies", input.events)
        try producer.close()
        #expect(input.events.count == 10_000)

        let runner = try TestRunnerProcess(topology: Self.example, bootstrapServers: broker.bootstrapServers, extraArguments: ["--log-level", "info"], environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_USERNAME": "integration@example.com",
            "SALESFORCE_PRIVATE_KEY_FILE": privateKeyFile, "SALESFORCE_CLIENT_SECRET": "",
        ])
        let contacts = try await salesforce.waitForContacts { $0.count >= input.latest.count }
        #expect(runner.stop() == 0)
        #expect(contacts.count == input.latest.count)
        let stale = contacts.filter { input.latest[$0.key] != $0.value["Email"]?.stringValue }
        #expect(stale.isEmpty, "every contact has its latest e-mail")
        let c7 = try #require(contacts["C7"])
        #expect(c7["FirstName"]?.stringValue == "FC7" && c7["LastName"]?.stringValue == "LC7")

        let calls = try await salesforce.collectionsCalls()
        #expect(calls.count <= 55, "10,000 records, 8,000 contacts: \(calls.count) collection calls")
        #expect(calls.allSatisfy { ($0["records"]?.int64Value ?? 0) <= 200 })
        let log = runner.standardError
        #expect(log.contains("salesforce sink configured"))
        #expect(!log.contains("PRIVATE KEY") && !log.contains(String(key.pemRepresentation.split(separator: "\n")[1])), "the private key never reaches the log")
        #expect(!log.contains("Bearer") && !log.contains("access_token"))
    }
}

extension TestDevSalesforce {
    /// The stand-in's Contacts by external id, polled until `isComplete` holds (or two minutes pass).
    func waitForContacts(until isComplete: ([String: JSONValue]) -> Bool) async throws -> [String: JSONValue] {
        var contacts: [String: JSONValue] = [:]
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let body = try await send("GET", "/records/Contact").body?.objectValue
            contacts = Dictionary(uniqueKeysWithValues: (body ?? [:]).map { ($0.key, $0.value) })
            if isComplete(contacts) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        return contacts
    }

    /// The collections calls in the request log, in order.
    func collectionsCalls() async throws -> [JSONValue] {
        let log = try await send("GET", "/requests").body?.arrayValue ?? []
        return log.filter { $0["path"]?.stringValue?.contains("/composite/sobjects") == true }
    }
}
