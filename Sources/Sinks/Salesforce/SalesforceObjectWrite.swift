/// What a Salesforce sink writes, and how.
public struct SalesforceObjectWrite: Sendable {
    public enum Operation: Sendable, Equatable {
        /// Insert or update by an external id field (idempotent: replays are harmless). Records are
        /// coalesced per external id value.
        case upsert(externalIDField: String)
        /// Create new records (replays create duplicates: prefer upsert).
        case insert
        /// Update existing records by their Salesforce `Id` (in the body); coalesced per `Id`.
        case update
    }

    /// The sObject type, e.g. `Contact`, `Case`, `Ecom_Order__c`.
    public var sObject: String
    public var operation: Operation
    /// The REST API version, e.g. `62.0`.
    public var apiVersion: String
    /// Reading slows down (one call per `slowPace`) once this share of the daily allowance is used.
    public var slowDownAt: Double = 0.9
    public var slowPace: Duration = .seconds(10)

    public init(sObject: String, operation: Operation, apiVersion: String) {
        self.sObject = sObject
        self.operation = operation
        self.apiVersion = apiVersion
    }
}
