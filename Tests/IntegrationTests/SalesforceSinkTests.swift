import Foundation
import StreamCore
import Testing
import _CryptoExtras
import TributaryTestSupport

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
        let keys = TemporaryDirectory("tributary-state")
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
        // Every contact, each with its latest e-mail: the 2,000 updates may still be on their way when
        // the last contact is created.
        let latest = input.latest
        let contacts = try await salesforce.waitForRecords(of: "Contact") { records in
            records.count >= latest.count && latest.allSatisfy { records[$0.key]?["Email"]?.stringValue == $0.value }
        }
        #expect(runner.stop() == 0)
        #expect(contacts.count == input.latest.count)
        let stale = contacts.filter { input.latest[$0.key] != $0.value["Email"]?.stringValue }
        #expect(stale.isEmpty, "every contact has its latest e-mail")
        let c7 = try #require(contacts["C7"])
        #expect(c7["FirstName"]?.stringValue == "FC7" && c7["LastName"]?.stringValue == "LC7")

        let calls = try await salesforce.collectionsCalls()
        // The figure docs/SINKS.md quotes, in the test log.
        print("measured: 10,000 identify events, \(contacts.count) contacts, \(calls.count) collections calls carrying \(calls.reduce(0) { $0 + ($1["records"]?.int64Value ?? 0) }) records")
        #expect(calls.count <= 55, "10,000 records, 8,000 contacts: \(calls.count) collection calls")
        #expect(calls.allSatisfy { ($0["records"]?.int64Value ?? 0) <= 200 })
        let log = runner.standardError
        #expect(log.contains("salesforce sink configured"))
        #expect(!log.contains("PRIVATE KEY") && !log.contains(String(key.pemRepresentation.split(separator: "\n")[1])), "the private key never reaches the log")
        #expect(!log.contains("Bearer") && !log.contains("access_token"))
    }

    /// A copy of the example that retries quickly and probes a used-up daily limit every 3 s, so the
    /// faults play out in a test's time.
    static func quickRetryingCopy(in directory: TemporaryDirectory) throws -> String {
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let file = directory.path + "/contacts-to-salesforce.yml"
        let text = try String(contentsOfFile: example, encoding: .utf8).replacingOccurrences(of: "          name: contacts\n", with: """
                      name: contacts
                      retry: { initial: 200ms, max: 2s }
                      limits: { probe-every: 3s }
                      batch: { size: 200, linger: 200ms }

            """)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func everyRecordEndsInSalesforceOrTheDeadLetterTopicThroughEveryFault() async throws {
        let directory = TemporaryDirectory("tributary-state")
        let topology = try Self.quickRetryingCopy(in: directory)
        let secret = "s3cr3t-\(UUID().uuidString)"
        let broker = try TestDevBroker(topologies: [topology])
        let salesforce = try TestDevSalesforce(["--client-secret", secret])
        let rejectOnePercent = #"{"kind":"record-error","statusCode":"DUPLICATE_VALUE","fraction":0.01}"#
        try await salesforce.setFaults(#"{"faults":[{"kind":"invalid-session","count":1},\#(rejectOnePercent)]}"#)
        let port = TestPorts.next()
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, extraArguments: ["--log-level", "info", "--http-port", String(port)], environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": secret,
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        var latest: [String: String] = [:]
        func phase(_ prefix: String, _ customers: Int) async throws -> Set<String> {
            let input = Self.identifies(customers: customers, updated: customers / 5, prefix: prefix)
            try producer.sendAll("identifies", input.events)
            latest.merge(input.latest) { _, new in new }
            return Set(input.latest.keys.filter { !TestDevSalesforce.failsByFraction($0, 0.01) })
        }

        // A 401 first: the session is renewed once and the call replayed.
        let first = try await phase("A", 2_000)
        _ = try await salesforce.waitForRecords(of: "Contact") { first.isSubset(of: $0.keys) }

        // 30 s of 503s: reading pauses, the group's lag grows, then drains.
        try await salesforce.setFaults(#"{"faults":[{"kind":"unavailable","seconds":30},\#(rejectOnePercent)]}"#)
        let outageStart = ContinuousClock.now
        let second = try await phase("B", 2_000)
        var sawPause = false
        var lagDuringOutage: Int64 = 0
        while ContinuousClock.now - outageStart < .seconds(25) {
            try await Task.sleep(for: .seconds(1))
            let metrics = (try? await httpGet(port: port, "/metrics")) ?? ""
            if metrics.contains(#"tributary_sink_paused{sink="contacts"} 1"#) { sawPause = true }
            let lag = try await ConsumerGroupLag.of(
                group: "contacts-to-salesforce-contacts-sink", topic: "contacts-to-salesforce-contacts-sink", partitions: 4, bootstrapServers: broker.bootstrapServers)
            lagDuringOutage = max(lagDuringOutage, lag)
        }
        #expect(sawPause, "reading paused while Salesforce answered 503")
        #expect(lagDuringOutage >= 2_000, "nothing of phase B was committed during the outage (lag \(lagDuringOutage))")
        let duringOutage = try await salesforce.waitForRecords(of: "Contact") { _ in true }
        #expect(!duringOutage.keys.contains { $0.hasPrefix("B") }, "nothing was written during the outage")
        _ = try await salesforce.waitForRecords(of: "Contact") { second.isSubset(of: $0.keys) }

        // The daily limit: calls stop, and a probe 3 s later finds it lifted.
        try await salesforce.setFaults(#"{"faults":[{"kind":"request-limit","count":1},\#(rejectOnePercent)]}"#)
        let third = try await phase("C", 1_000)
        // Every accepted contact with its latest e-mail: updates may still be on their way when the last
        // contact of phase C exists.
        let expected = latest.filter { third.contains($0.key) || first.contains($0.key) || second.contains($0.key) }
        let contacts = try await salesforce.waitForRecords(of: "Contact") { records in
            expected.allSatisfy { records[$0.key]?["Email"]?.stringValue == $0.value }
        }
        try producer.close()

        // Every customer is in Salesforce with its latest e-mail, or in the dead-letter topic with
        // Salesforce's reason — never both, never neither.
        let rejected = Set(latest.keys.filter { TestDevSalesforce.failsByFraction($0, 0.01) })
        #expect(!rejected.isEmpty && rejected.count < latest.count / 20)
        let dlq = try await TopicReader.read(["contacts-to-salesforce-dlq"], bootstrapServers: broker.bootstrapServers, linger: .seconds(2)) { read in
            Set(read["contacts-to-salesforce-dlq", default: []].compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }).count >= rejected.count
        }["contacts-to-salesforce-dlq", default: []]
        let deadLettered = Set(dlq.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
        #expect(deadLettered == rejected)
        #expect(Set(contacts.keys) == Set(latest.keys).subtracting(rejected))
        let stale = contacts.filter { latest[$0.key] != $0.value["Email"]?.stringValue }
        #expect(stale.isEmpty, "every contact has its latest e-mail")
        #expect(dlq.allSatisfy { letter in
            letter.headers.contains(KafkaHeader("tributary.salesforce.status-code", "DUPLICATE_VALUE"))
                && letter.headers.contains { $0.name == "tributary.error" && String(decoding: $0.value ?? [], as: UTF8.self).contains("DUPLICATE_VALUE") }
        })

        let log = try await salesforce.send("GET", "/requests").body?.arrayValue ?? []
        #expect(log.filter { $0["status"] == 401 }.count == 1, "one 401")
        #expect(log.filter { $0["path"] == "/services/oauth2/token" }.count == 2, "one sign-in, one renewal")
        let limited = try #require(log.firstIndex { $0["status"] == 403 })
        #expect(log[(limited + 1)...].contains { $0["status"] == 200 }, "a probe succeeded after the daily limit")
        #expect(runner.stop() == 0)
        let output = runner.standardError
        #expect(!output.contains(secret) && !output.contains("Bearer"), "no secret or token in the log")
    }

    @Test func aRunnerKilledWhileCallsFailLosesNothingAfterItsRestart() async throws {
        let directory = TemporaryDirectory("tributary-state")
        let topology = try Self.quickRetryingCopy(in: directory)
        let broker = try TestDevBroker(topologies: [topology])
        let salesforce = try TestDevSalesforce()
        try await salesforce.setFaults(#"{"faults":[{"kind":"unavailable","seconds":600}]}"#)
        let environment = [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ]
        let input = Self.identifies(customers: 1_000, updated: 300)
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("identifies", input.events)
        try producer.close()

        let first = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: environment)
        // The sink keeps retrying while Salesforce answers 503.
        try await waitUntil(timeout: .seconds(60)) { try await salesforce.collectionsCalls().filter { $0["status"] == 503 }.count >= 3 }
        first.stop(signal: SIGKILL)

        #expect(try await salesforce.send("DELETE", "/dev/faults").status == 200)
        let second = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: environment)
        // Waits for the latest e-mails too, not only for every contact: a customer's later update can
        // arrive after the first one created the contact.
        let latest = input.latest
        let contacts = try await salesforce.waitForRecords(of: "Contact") { records in
            records.count >= latest.count && records.allSatisfy { latest[$0.key] == $0.value["Email"]?.stringValue }
        }
        #expect(second.stop() == 0)
        #expect(contacts.count == input.latest.count)
        let stale = contacts.filter { input.latest[$0.key] != $0.value["Email"]?.stringValue }
        #expect(stale.isEmpty, "every contact has its latest e-mail after the restart")
    }

    @Test func missingSettingsStopTheStartNamingTheStepAndTheVariable() throws {
        let result = try runRunnerWith(environment: [
            "SALESFORCE_LOGIN_URL": "", "SALESFORCE_CLIENT_ID": "app", "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "", "SALESFORCE_CLIENT_SECRET": "",
        ], ["run", "--topology", Self.example, "--bootstrap-servers", "127.0.0.1:9", "--no-http"])
        #expect(result.status == 1)
        #expect(result.errors.contains("contacts-to-salesforce.yml:22:9: salesforce sink 'contacts': connection setting 'login-url' is not set (from $SALESFORCE_LOGIN_URL)"), "\(result.errors)")

        let noFlow = try runRunnerWith(environment: [
            "SALESFORCE_LOGIN_URL": "https://login.salesforce.com", "SALESFORCE_CLIENT_ID": "app", "SALESFORCE_USERNAME": "u", "SALESFORCE_PRIVATE_KEY_FILE": "", "SALESFORCE_CLIENT_SECRET": "",
        ], ["run", "--topology", Self.example, "--bootstrap-servers", "127.0.0.1:9", "--no-http"])
        #expect(noFlow.status == 1)
        #expect(noFlow.errors.contains("either 'username' and 'private-key-file' (JWT bearer flow) or 'client-secret'"), "\(noFlow.errors)")
    }

    @Test func refusedCredentialsStopTheRunnerWithAClearMessageInsteadOfLooping() async throws {
        let broker = try TestDevBroker(topologies: [Self.example])
        let salesforce = try TestDevSalesforce()
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("identifies", Self.identifies(customers: 10, updated: 0).events)
        try producer.close()
        let runner = try TestRunnerProcess(topology: Self.example, bootstrapServers: broker.bootstrapServers, environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "wrong-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        let status = runner.waitForExit(timeout: .seconds(60))
        if status == nil { runner.stop(signal: SIGKILL) }
        #expect(status != nil && status != 0, "the runner stops")
        #expect(runner.standardError.contains("Salesforce refused the sign-in (invalid_client"))
        let signIns = try await salesforce.send("GET", "/requests").body?.arrayValue?.filter { $0["path"] == "/services/oauth2/token" }.count
        #expect(signIns == 1, "one refused sign-in, not a loop")
    }

    @Test func theSinkSlowsItselfDownBeforeTheDailyLimitIsReached() async throws {
        let directory = TemporaryDirectory("tributary-state")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let topology = directory.path + "/contacts-to-salesforce.yml"
        try String(contentsOfFile: Self.example, encoding: .utf8).replacingOccurrences(of: "          name: contacts\n", with: """
                      name: contacts
                      batch: { size: 10, linger: 100ms }
                      limits: { slow-down-at: 50%, slow-pace: 1s }

            """).write(toFile: topology, atomically: true, encoding: .utf8)
        let broker = try TestDevBroker(topologies: [topology])
        let salesforce = try TestDevSalesforce(["--daily-limit", "40"])
        let input = Self.identifies(customers: 300, updated: 0)
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("identifies", input.events)
        try producer.close()
        let runner = try TestRunnerProcess(topology: topology, bootstrapServers: broker.bootstrapServers, environment: [
            "SALESFORCE_LOGIN_URL": salesforce.url, "SALESFORCE_CLIENT_ID": "tributary-dev", "SALESFORCE_CLIENT_SECRET": "dev-secret",
            "SALESFORCE_USERNAME": "", "SALESFORCE_PRIVATE_KEY_FILE": "",
        ])
        let contacts = try await salesforce.waitForRecords(of: "Contact") { $0.count >= input.latest.count }
        #expect(runner.stop() == 0)
        #expect(contacts.count == 300)

        // Calls answered once 20 of the 40 allowed were used come at most one per second.
        let calls = try await salesforce.collectionsCalls()
        #expect(calls.count >= 30 && calls.count < 40, "\(calls.count) calls: the daily limit was never reached")
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let times = calls.compactMap { $0["at"]?.stringValue.flatMap { try? format.parse($0) } }
        #expect(times.count == calls.count)
        let paced = zip(times.dropFirst(20), times.dropFirst(21)).map { $1.timeIntervalSince($0) }
        #expect(!paced.isEmpty && paced.allSatisfy { $0 >= 0.9 }, "gaps after half the allowance: \(paced)")
    }
}

extension TestDevSalesforce {
    /// The collections calls in the request log, in order.
    func collectionsCalls() async throws -> [JSONValue] {
        let log = try await send("GET", "/requests").body?.arrayValue ?? []
        return log.filter { $0["path"]?.stringValue?.contains("/composite/sobjects") == true }
    }
}
