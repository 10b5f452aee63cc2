import Foundation
import Logging
@testable import RunnerKit
import Testing
import TributaryTestSupport

/// The runner's sink setup: each sink's destination made from the environment at start-up, an optional
/// sink off when a setting is missing, and every problem of every sink reported before anything runs.
@Suite("Sink setup")
struct SinkSetupTests {
    let directory = TemporaryDirectory("sink-setup")
    var file: String { directory.appending("shop.yml") }

    /// Three sinks of three kinds, each in its own pipeline; the salesforce one is optional.
    func load() throws -> [LoadedTopology] {
        try """
            application-id: shop
            sources:
              orders: { topic: orders }
            pipelines:
              hooks:
                from: orders
                steps:
                  - http: { name: hooks, url: "${HOOK_URL}/orders", headers: { X-Key: "${HOOK_KEY}" } }
              audit:
                from: orders
                steps:
                  - file: { name: audit, path: "${AUDIT_DIR}/orders.jsonl" }
              crm:
                from: orders
                steps:
                  - salesforce: { name: crm, sobject: Contact, external-id: Customer_Id__c, fields: { Customer_Id__c: key }, optional: true }
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return try TopologyLoader.loadAll([file], logger: Logger(label: "test"))
    }

    func workers(_ environment: [String: String]) throws -> [String] {
        try SinkSetup(try load(), environment: environment, logger: Logger(label: "test"))
            .workers(bootstrapServers: "b:9092", kafkaProperties: [:], logger: Logger(label: "test")).map(\.description).sorted()
    }

    @Test func everySinkGetsAWorkerReadingItsOwnTopic() throws {
        #expect(try workers([
            "HOOK_URL": "https://hooks.example.com", "HOOK_KEY": "k", "AUDIT_DIR": directory.path,
            "SALESFORCE_LOGIN_URL": "https://login.salesforce.com", "SALESFORCE_CLIENT_ID": "app", "SALESFORCE_CLIENT_SECRET": "s",
        ]) == ["SinkWorker(audit, topic shop-audit-sink)", "SinkWorker(crm, topic shop-crm-sink)", "SinkWorker(hooks, topic shop-hooks-sink)"])
    }

    @Test func anOptionalSinkWithoutItsSettingsIsOffAndTheOthersRun() throws {
        #expect(try workers(["HOOK_URL": "https://hooks.example.com", "HOOK_KEY": "k", "AUDIT_DIR": directory.path])
            == ["SinkWorker(audit, topic shop-audit-sink)", "SinkWorker(hooks, topic shop-hooks-sink)"])
    }

    @Test func everyProblemOfARequiredSinkIsReportedAtOnce() throws {
        let loaded = try load()
        #expect(throws: SinkSetup.Problems([
            "\(file):8:9: http sink 'hooks': 'url' is not an http(s) URL: 'ftp://hooks.example.com/orders'",
            "\(file):12:9: file sink 'audit': 'path' is not set (from $AUDIT_DIR)",
        ])) {
            try SinkSetup(loaded, environment: ["HOOK_URL": "ftp://hooks.example.com", "HOOK_KEY": "k", "SALESFORCE_LOGIN_URL": "https://login.salesforce.com"], logger: Logger(label: "test"))
        }
        #expect(throws: SinkSetup.Problems(["\(file):16:9: salesforce sink 'crm': connection setting 'login-url': 'nowhere' is not an http(s) URL (from $SALESFORCE_LOGIN_URL)"])) {
            try SinkSetup(loaded, environment: ["HOOK_URL": "https://h", "HOOK_KEY": "k", "AUDIT_DIR": "/tmp", "SALESFORCE_LOGIN_URL": "nowhere"], logger: Logger(label: "test"))
        }
    }
}
