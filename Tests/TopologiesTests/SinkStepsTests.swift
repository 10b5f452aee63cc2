import Testing
import Topologies

/// The sink steps (`salesforce`, `file`): what they read, their defaults, the sink topic, and their mistakes.
@Suite("Sink steps")
struct SinkStepsTests {
    func topology(_ step: String) -> String {
        """
        application-id: app
        sources:
          in: { topic: in }
        pipelines:
          crm:
            from: in
            steps:
              - salesforce:
        \(step)
        """
    }

    @Test func aSalesforceStepGetsItsDefaultsAndSinkTopic() throws {
        let definition = try TopologyParser.parse(yaml: topology("""
                      sobject: Customer_Activity__c
                      external-id: Activity_Id__c
                      fields: { Activity_Id__c: key, Views__c: value.views }
            """), file: "t.yml")
        let sink = try #require(definition.sinks(of: SalesforceSinkDefinition.self).first)
        #expect(sink.delivery.name.value == "salesforce-customer-activity-c")
        #expect(sink.operation == .upsert(externalIDField: "Activity_Id__c"))
        #expect(sink.apiVersion == "62.0")
        #expect(sink.delivery.batch?.size == 200)
        #expect(sink.topic(application: "app") == "app-salesforce-customer-activity-c-sink")
        #expect(definition.topicPartitions["app-salesforce-customer-activity-c-sink"] == 4)
        #expect(sink.connection["client-id"]?.variables == ["SALESFORCE_CLIENT_ID"], "without 'connection', the standard variables")
    }

    @Test func connectionSettingsResolveFromTheEnvironment() throws {
        let definition = try TopologyParser.parse(yaml: topology("""
                      name: contacts
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Customer_Id__c: key }
                      connection:
                        login-url: https://${SF_HOST}/x
                        client-id: ${SF_ID}
            """), file: "t.yml")
        let connection = try #require(definition.sinks(of: SalesforceSinkDefinition.self).first?.connection)
        #expect(connection["login-url"]?.resolve(in: ["SF_HOST": "example.my.salesforce.com"]) == "https://example.my.salesforce.com/x")
        #expect(connection["client-id"]?.resolve(in: [:]) == nil, "an unset variable leaves the setting unset")
        #expect(connection["client-secret"] == nil)
    }

    @Test func aSinkIsRequiredUnlessMarkedOptional() throws {
        let required = try TopologyParser.parse(yaml: topology("""
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Email: value.email }
            """), file: "t.yml")
        #expect(required.sinks(of: SalesforceSinkDefinition.self).first?.delivery.isOptional == false)
        let optional = try TopologyParser.parse(yaml: topology("""
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Email: value.email }
                      optional: true
            """), file: "t.yml")
        #expect(optional.sinks(of: SalesforceSinkDefinition.self).first?.delivery.isOptional == true)
        #expect(parseErrors(topology("""
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Email: value.email }
                      optional: sometimes
            """)) == ["t.yml:12:21: expected true or false for 'optional', got 'sometimes'"])
    }

    @Test func mistakesAreReportedWhereTheyAreWritten() {
        #expect(parseErrors(topology("""
                      sobject: Contact
                      fields: { Email: value.email }
            """)) == ["t.yml:8:9: missing required field 'external-id' in 'salesforce': an upsert matches records by an external id field (e.g. Customer_Id__c)"])
        #expect(parseErrors(topology("""
                      sobject: Contact
                      operation: merge
                      fields: { Email: value.email }
            """)) == ["t.yml:10:22: unknown operation 'merge'; expected one of: insert, update, upsert"])
        #expect(parseErrors(topology("""
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Email: value.email }
                      batch: { size: 500 }
                      limits: { slow-down-at: 120% }
            """)) == [
                "t.yml:12:26: 'size' may be at most 200: Salesforce takes at most 200 records per collections call",
                "t.yml:13:35: expected a share of the daily limit for 'slow-down-at', such as 0.9 or 90%, got '120%'",
            ])
        #expect(parseErrors(topology("""
                      sobject: Contact
                      external-id: Customer_Id__c
                      fields: { Email: value.email }
                  - to: out
            """)) == ["t.yml:12:9: steps after 'salesforce' are never reached"])
    }

    /// `file`: the settings every sink shares (name, batch, retry, optional) come with it, as with any sink.
    @Test func aFileStepSharesTheSinkSettingsAndReadsItsOwn() throws {
        func file(_ settings: String) -> String {
            """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              audit:
                from: in
                steps:
                  - file:
            \(settings)
            """
        }
        let definition = try TopologyParser.parse(yaml: file("""
                      path: ${AUDIT_DIR}/orders.jsonl
                      value: { order: value.id }
                      batch: { linger: 1s }
                      retry: { initial: 1s }
            """), file: "t.yml")
        let sink = try #require(definition.sinks(of: FileSinkDefinition.self).first)
        #expect(sink.delivery.name.value == "file-audit")
        #expect(sink.delivery.batch == SinkDeliveryOptions.Batch(size: 500, lingerMilliseconds: 1000))
        #expect(sink.delivery.retryInitialMilliseconds == 1000 && sink.delivery.retryMaxMilliseconds == 30_000)
        #expect(sink.path.resolve(in: ["AUDIT_DIR": "/var/audit"]) == "/var/audit/orders.jsonl")
        #expect(sink.topic(application: "app") == "app-file-audit-sink")
        #expect(definition.topicPartitions["app-file-audit-sink"] == 4)
        let worker = sink.workerConfiguration(application: "app", bootstrapServers: "b:9092", kafkaProperties: [:])
        #expect(worker.groupID == "app-file-audit-sink" && worker.deadLetterTopic == "app-dlq" && !worker.coalescesByKey && worker.batchSize == 500)

        // Every problem in one run: the kind's own fields and the shared ones.
        #expect(parseErrors(file("""
                      value: { order: value.id }
                      retry: { initial: soon }
                      colour: blue
            """)) == [
                "t.yml:8:9: missing required field 'path' in 'file'",
                "t.yml:10:29: expected a duration such as 500ms, 30s, 5m, 2h or 1d for 'initial', got 'soon'",
                "t.yml:11:11: unknown field 'colour' in 'file'; expected one of: batch, name, optional, path, retry, value",
            ])
    }
}
