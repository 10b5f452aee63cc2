import StreamCore

/// The org's records, in memory: for each sObject, each record by its external id value.
///
/// Upsert semantics are Salesforce's: a new external id creates a record with a fresh id; a known one
/// updates it, fields in the request overwriting stored ones and the others kept.
struct RecordStore: Sendable {
    /// sObject name (as in the request URL) → external id value → fields, `Id` first.
    private var records: [String: [String: JSONObject]] = [:]
    private var recordsCreated = 0

    /// The stored record of `sObject` with external id `externalID`, if any.
    func record(_ sObject: String, externalID: String) -> JSONObject? {
        records[sObject]?[externalID]
    }

    /// Creates or updates the record; returns its id and whether it was created.
    mutating func upsert(_ sObject: String, externalID: String, fields: JSONObject) -> (id: String, created: Bool) {
        if var existing = records[sObject]?[externalID], let id = existing["Id"]?.stringValue {
            for (name, value) in fields { _ = existing.updateValue(value, forKey: name) }
            records[sObject, default: [:]][externalID] = existing
            return (id, false)
        }
        recordsCreated += 1
        let id = SalesforceID.make(prefix: SalesforceID.keyPrefix(of: sObject), number: recordsCreated)
        var created: JSONObject = ["Id": .string(id)]
        for (name, value) in fields { _ = created.updateValue(value, forKey: name) }
        records[sObject, default: [:]][externalID] = created
        return (id, true)
    }

    /// Every record: `{"Contact":{"C1":{"Id":"003…",…}},…}`, sObjects and external ids sorted.
    var json: JSONValue {
        .object(JSONObject(records.keys.sorted().map { ($0, json(of: $0)) }))
    }

    /// One sObject's records by external id: `{"C1":{"Id":"003…",…},…}`; `{}` for an sObject never written.
    func json(of sObject: String) -> JSONValue {
        let byExternalID = records[sObject] ?? [:]
        return .object(JSONObject(byExternalID.keys.sorted().map { ($0, JSONValue.object(byExternalID[$0]!)) }))
    }
}
