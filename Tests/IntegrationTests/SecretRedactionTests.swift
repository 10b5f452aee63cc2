import Foundation
import StreamCore
import Testing
import TributaryTestSupport

/// Secrets planted in every place a runner takes them — librdkafka properties on the command line and
/// in a properties file, an HTTP sink's header and URL query, a Salesforce login URL's user info —
/// never appear in its output, at the most talkative log level, while it starts, delivers (and fails
/// to deliver) records, and stops.
@Suite("Secrets stay out of logs")
struct SecretRedactionTests {
    @Test func plantedSecretsAppearInNoLogLine() async throws {
        let directory = TemporaryDirectory("tributary-state")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let topology = directory.path + "/secrets.yml"
        try """
            application-id: secrets
            sources:
              orders: { topic: orders }
            pipelines:
              notify:
                from: orders
                steps:
                  - http:
                      name: notify
                      url: ${NOTIFY_URL}
                      headers:
                        Authorization: Bearer ${NOTIFY_TOKEN}
                      retry: { initial: 100ms, max: 500ms }
              crm:
                from: orders
                steps:
                  - salesforce:
                      name: crm
                      sobject: Contact
                      operation: upsert
                      external-id: Customer_Id__c
                      fields: { Customer_Id__c: value.order_id }
                      connection:
                        login-url: ${SALESFORCE_LOGIN_URL}
                        client-id: tributary-dev
                        client-secret: ${SALESFORCE_CLIENT_SECRET}
            """.write(toFile: topology, atomically: true, encoding: .utf8)
        let propertiesFile = directory.path + "/client.properties"
        try "sasl.password=PLANTED-FILE-SECRET\n".write(toFile: propertiesFile, atomically: true, encoding: .utf8)

        let broker = try TestDevBroker(topologies: [topology])
        let producer = try TestInputProducer(bootstrapServers: broker.bootstrapServers)
        try producer.sendAll("orders", (1...5).map { ("O-\($0)", #"{"order_id":"O-\#($0)"}"#) })
        try producer.close()
        // Nothing listens on port 9: every call fails and is retried, so the failure paths log too.
        let runner = try TestRunnerProcess(
            topology: topology, bootstrapServers: broker.bootstrapServers,
            extraArguments: [
                "--log-level", "trace", "--state-dir", directory.path + "/state",
                "--kafka-property", "sasl.username=integration", "--kafka-property", "ssl.key.password=PLANTED-KEY-PASSWORD",
                "--kafka-properties-file", propertiesFile,
            ],
            environment: [
                "NOTIFY_URL": "http://127.0.0.1:9/hook?api_key=PLANTED-URL-KEY&page=2", "NOTIFY_TOKEN": "PLANTED-BEARER-TOKEN",
                "SALESFORCE_LOGIN_URL": "http://integration:PLANTED-URL-PASSWORD@127.0.0.1:9", "SALESFORCE_CLIENT_SECRET": "PLANTED-CLIENT-SECRET",
            ])
        try await waitUntil(timeout: .seconds(60)) { runner.standardError.contains("sink started") && runner.standardError.contains("retry") }
        runner.stop()
        let output = runner.standardError
        #expect(output.contains(" debug "), "the runner logged everything it logs at debug and trace")
        let leaking = output.split(separator: "\n").filter { $0.contains("PLANTED") }.map { String($0.prefix(400)) }
        #expect(leaking.isEmpty, "secrets in the log: \(leaking.prefix(5))")
    }
}
