import Logging
import Sinks
import StreamCore

/// `salesforce: { sobject: NAME, operation: upsert, external-id: FIELD, fields: TEMPLATE, ... }` — writes
/// each record to Salesforce as an sObject (docs/SINKS.md).
public struct SalesforceSinkDefinition: SinkDefinition {
    public static let keyword = "salesforce"

    public typealias Operation = SalesforceObjectWrite.Operation

    /// The settings `connection:` may have; each may use `${VAR}`.
    public static let connectionSettings = ["client-id", "client-secret", "login-url", "private-key-file", "username"]

    /// The connection when none is written: the standard environment variables.
    public static let defaultConnection: [String: String] = [
        "login-url": "${SALESFORCE_LOGIN_URL}", "client-id": "${SALESFORCE_CLIENT_ID}", "username": "${SALESFORCE_USERNAME}",
        "private-key-file": "${SALESFORCE_PRIVATE_KEY_FILE}", "client-secret": "${SALESFORCE_CLIENT_SECRET}",
    ]

    /// The name defaults to `salesforce-<sobject>`; batches default to 200 records (Salesforce's limit
    /// per call) or what waited a second.
    public var delivery: SinkDeliveryOptions
    public var sObject: Located<String>
    public var operation: Operation
    /// `api-version:`, default `62.0`.
    public var apiVersion: String
    /// `fields:` — the record's fields, built from the stream's record.
    public var fields: ValueTemplate
    /// `connection:` settings by name.
    public var connection: [String: EnvironmentSetting]
    /// `limits: { slow-down-at: FRACTION, slow-pace: DURATION, probe-every: DURATION }`.
    public var slowDownAt: Double
    public var slowPaceMilliseconds: Int64
    public var probeEveryMilliseconds: Int64

    /// The field whose value keys the sink topic, so updates of one object coalesce and stay in order.
    public var coalescingField: String? {
        switch operation {
        case .upsert(let field): field
        case .update: "Id"
        case .insert: nil
        }
    }

    public func messageBuilder() -> @Sendable (inout StreamRecord) throws -> Void {
        let (fields, coalescingField) = (CompiledTemplate(fields), coalescingField)
        return { record in
            record.value = try fields.build(for: record)
            // A record without the field still goes: Salesforce's refusal sends it to the dead-letter topic.
            record.key = coalescingField.flatMap { record.value[$0] } ?? .null
        }
    }

    public func destination(environment: [String: String], logger: Logger) -> Result<any SinkDestination, SinkSettingProblem> {
        let settings = connection.compactMapValues { $0.resolve(in: environment) }
        do throws(SalesforceConnectionError) {
            let connection = try SalesforceConnection.from(settings: settings)
            var write = SalesforceObjectWrite(sObject: sObject.value, operation: operation, apiVersion: apiVersion)
            write.slowDownAt = slowDownAt
            write.slowPace = .milliseconds(slowPaceMilliseconds)
            logger.info("salesforce sink configured", metadata: ["sink": "\(delivery.name.value)", "connection": "\(connection)"])
            return .success(SalesforceDestination(sink: delivery.name.value, write: write, connection: connection))
        } catch {
            return .failure(SinkSettingProblem("\(error)\(hint(error))", isMissingSetting: error.isMissingSetting))
        }
    }

    public func configure(_ worker: inout SinkWorkerConfiguration) {
        worker.probeInterval = .milliseconds(probeEveryMilliseconds)
    }

    public var summary: String {
        let operation = switch operation {
        case .upsert(let field): "upsert by \(field)"
        case .insert: "insert"
        case .update: "update by Id"
        }
        return "Salesforce \(sObject.value) \(operation), \(delivery.batch?.size ?? 1) per call"
    }

    /// Which environment variables a missing setting comes from, when the file references some.
    private func hint(_ error: SalesforceConnectionError) -> String {
        let names: [String] = switch error {
        case .missing(let setting), .invalid(let setting, _): [setting]
        case .noFlow: ["username", "private-key-file", "client-secret"]
        }
        let variables = names.flatMap { connection[$0]?.variables ?? [] }
        return variables.isEmpty ? "" : " (from \(variables.map { "$\($0)" }.joined(separator: ", ")))"
    }
}

extension SalesforceSinkDefinition: SinkStep {
    static let fields = ["api-version", "connection", "external-id", "fields", "limits", "operation", "sobject"]
    static let defaultBatch: SinkDeliveryOptions.Batch? = SinkDeliveryOptions.Batch(size: 200, lingerMilliseconds: 1000)
    static let batchLimit: (size: Int, reason: String)? = (200, "Salesforce takes at most 200 records per collections call")

    static func parse(_ fields: YAMLFields, delivery: SinkDeliveryOptions, _ step: StepParser.StepPosition, _ parser: inout StepParser) -> Self? {
        let sObject = fields.required("sobject", &parser.diagnostics)?.string("an sObject name", for: "'sobject'", &parser.diagnostics)
        let template = fields.required("fields", &parser.diagnostics)?.template(for: "fields", roots: StepParser.recordRoots, &parser.diagnostics)
        var isComplete = true
        let apiVersion = parser.optionalField(fields["api-version"], &isComplete) { $0.string("an API version such as 62.0", for: "'api-version'", &$1) }
        let operation = parser.salesforceOperation(fields, step, &isComplete)
        let limits = fields["limits"].map { parser.limitOptions($0) }
        let connection = fields["connection"].map { parser.connectionSettings($0) }
        if isUnreadable(limits) || isUnreadable(connection) { isComplete = false }
        guard isComplete, let sObject, let template, let operation else { return nil }
        var delivery = delivery
        if fields["name"] == nil {
            let name = "salesforce-" + sObject.value.lowercased().replacingOccurrences(of: "__", with: "-").replacingOccurrences(of: "_", with: "-")
            delivery.name = Located(name, at: sObject.location)
        }
        return SalesforceSinkDefinition(
            delivery: delivery, sObject: sObject, operation: operation, apiVersion: apiVersion?.value ?? "62.0", fields: template,
            connection: connection.flatMap { $0 } ?? defaultConnection.mapValues { EnvironmentSetting(Located($0, at: step.keywordLocation)) },
            slowDownAt: limits??.slowDownAt ?? 0.9, slowPaceMilliseconds: limits??.slowPace ?? 10_000, probeEveryMilliseconds: limits??.probeEvery ?? 300_000)
    }
}

extension StepParser {
    fileprivate mutating func salesforceOperation(_ fields: YAMLFields, _ step: StepPosition, _ isComplete: inout Bool) -> SalesforceSinkDefinition.Operation? {
        let operation = optionalField(fields["operation"], &isComplete) { $0.string("an operation", for: "'operation'", &$1) }
        let externalID = optionalField(fields["external-id"], &isComplete) { $0.string("a field name", for: "'external-id'", &$1) }
        switch operation?.value ?? "upsert" {
        case "upsert":
            guard let externalID else {
                diagnostics.report("missing required field 'external-id' in 'salesforce': an upsert matches records by an external id field (e.g. Customer_Id__c)", at: step.keywordLocation)
                return nil
            }
            return .upsert(externalIDField: externalID.value)
        case let kind where externalID != nil:
            diagnostics.report("'external-id' only applies to 'operation: upsert', not '\(kind)'", at: fields.key("external-id")!.location)
            return nil
        case "insert": return .insert
        case "update": return .update
        default:
            diagnostics.report("unknown operation '\(operation!.value)'; expected one of: insert, update, upsert", at: operation!.location)
            return nil
        }
    }

    fileprivate mutating func limitOptions(_ node: YAMLNode) -> (slowDownAt: Double?, slowPace: Int64?, probeEvery: Int64?)? {
        guard let fields = YAMLFields(node, of: "'limits'", at: node.location, allowed: ["probe-every", "slow-down-at", "slow-pace"], &diagnostics) else { return nil }
        var isComplete = true
        let slowDownAt = optionalField(fields["slow-down-at"], &isComplete) { node, diagnostics -> Double? in
            let text = node.text ?? ""
            let fraction = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
            guard let fraction, fraction > 0, fraction <= 1 else {
                diagnostics.report("expected a share of the daily limit for 'slow-down-at', such as 0.9 or 90%, got '\(text)'", at: node.location)
                return nil
            }
            return fraction
        }
        let slowPace = optionalField(fields["slow-pace"], &isComplete) { $0.duration(for: "'slow-pace'", &$1) }
        let probeEvery = optionalField(fields["probe-every"], &isComplete) { $0.duration(for: "'probe-every'", &$1) }
        return isComplete ? (slowDownAt, slowPace, probeEvery) : nil
    }

    fileprivate mutating func connectionSettings(_ node: YAMLNode) -> [String: EnvironmentSetting]? {
        let names = SalesforceSinkDefinition.connectionSettings
        guard let fields = YAMLFields(node, of: "'connection'", at: node.location, allowed: names, &diagnostics) else { return nil }
        var settings: [String: EnvironmentSetting] = [:]
        var isComplete = true
        for name in names {
            if let node = fields[name] {
                if let setting = environmentSetting(node, "a value or ${VARIABLE}", for: name) { settings[name] = setting } else { isComplete = false }
            }
        }
        return isComplete ? settings : nil
    }
}
