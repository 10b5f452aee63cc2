import StreamCore
/// `salesforce:` — writes each record to Salesforce as an sObject, through the sink topic
/// `<application-id>-NAME-sink` and a sink worker that batches, retries and dead-letters.
public struct SalesforceSinkDefinition: Sendable {
    public enum Operation: Sendable, Equatable {
        /// `operation: upsert` with `external-id: FIELD`.
        case upsert(externalIDField: String)
        case insert
        case update
    }

    /// The settings `connection:` may have; each may use `${VAR}`.
    public static let connectionSettings = ["client-id", "client-secret", "login-url", "private-key-file", "username"]

    /// The connection when none is written: the standard environment variables.
    public static let defaultConnection: [String: String] = [
        "login-url": "${SALESFORCE_LOGIN_URL}", "client-id": "${SALESFORCE_CLIENT_ID}", "username": "${SALESFORCE_USERNAME}",
        "private-key-file": "${SALESFORCE_PRIVATE_KEY_FILE}", "client-secret": "${SALESFORCE_CLIENT_SECRET}",
    ]

    /// The sink's name (`name:`, default `salesforce-<sobject>`): its topic, consumer group and metrics.
    public var name: Located<String>
    public var sObject: Located<String>
    public var operation: Operation
    /// `api-version:`, default `62.0`.
    public var apiVersion: String
    /// `fields:` — the record's fields, built from the stream's record.
    public var fields: ValueTemplate
    /// `connection:` settings by name.
    public var connection: [String: EnvironmentSetting]
    /// `batch: { size: N, linger: DURATION }` — at most 200 (Salesforce's limit per call).
    public var batchSize: Int
    public var lingerMilliseconds: Int64
    /// `retry: { initial: DURATION, max: DURATION }` — backoff of failed calls.
    public var retryInitialMilliseconds: Int64
    public var retryMaxMilliseconds: Int64
    /// `limits: { slow-down-at: FRACTION, slow-pace: DURATION, probe-every: DURATION }`.
    public var slowDownAt: Double
    public var slowPaceMilliseconds: Int64
    public var probeEveryMilliseconds: Int64
    /// `optional: true` — when a setting it needs is not set, the sink is off for this run (the
    /// runner says so) instead of refusing to start; its records wait in the sink topic.
    public var isOptional: Bool
    /// Where the step is written.
    public var location: SourceLocation

    public init(
        name: Located<String>, sObject: Located<String>, operation: Operation, apiVersion: String, fields: ValueTemplate,
        connection: [String: EnvironmentSetting], batchSize: Int, lingerMilliseconds: Int64, retryInitialMilliseconds: Int64,
        retryMaxMilliseconds: Int64, slowDownAt: Double, slowPaceMilliseconds: Int64, probeEveryMilliseconds: Int64,
        isOptional: Bool = false, location: SourceLocation
    ) {
        self.name = name
        self.sObject = sObject
        self.operation = operation
        self.apiVersion = apiVersion
        self.fields = fields
        self.connection = connection
        self.batchSize = batchSize
        self.lingerMilliseconds = lingerMilliseconds
        self.retryInitialMilliseconds = retryInitialMilliseconds
        self.retryMaxMilliseconds = retryMaxMilliseconds
        self.slowDownAt = slowDownAt
        self.slowPaceMilliseconds = slowPaceMilliseconds
        self.probeEveryMilliseconds = probeEveryMilliseconds
        self.isOptional = isOptional
        self.location = location
    }

    /// The field whose value keys the sink topic, so updates of one object coalesce and stay in order.
    public var coalescingField: String? {
        switch operation {
        case .upsert(let field): field
        case .update: "Id"
        case .insert: nil
        }
    }

    /// `<application-id>-NAME-sink`.
    public func topic(application: String) -> String { InternalTopics.sink(name.value, in: application) }
}
