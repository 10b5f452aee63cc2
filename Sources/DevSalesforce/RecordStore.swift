import StreamCore

/// The org's records, in memory: for each sObject, each record under a key — its external id value
/// when it was upserted, its own `Id` when it was created (a create names no external id field).
///
/// Upsert semantics are Salesforce's: a new external id creates a record with a fresh id; a known one
/// updates it, fields in the request overwriting stored ones and the others kept. Update by `Id` merges
/// the same way, whichever way the record is keyed, and leaves it under its key.
struct RecordStore: Sendable {
    /// sObject name (as in the request) → key → fields, `Id` first.
    private var records: [String: [String: JSONObject]] = [:]
    /// sObject name → `Id` → the record's key, so that an update finds any record by its id.
    private var keysByID: [String: [String: String]] = [:]
    private var recordsCreated = 0

    /// The stored record of `sObject` with external id `externalID`, if any.
    func record(_ sObject: String, externalID: String) -> JSONObject? {
        records[sObject]?[externalID]
    }

    /// Whether `sObject` has a record with this `Id`.
    func contains(_ sObject: String, id: String) -> Bool {
        keysByID[sObject]?[id] != nil
    }

    /// Creates or updates the record; returns its id and whether it was created.
    mutating func upsert(_ sObject: String, externalID: String, fields: JSONObject) -> (id: String, created: Bool) {
        if let id = records[sObject]?[externalID]?["Id"]?.stringValue {
            merge(fields, into: sObject, key: externalID)
            return (id, false)
        }
        return (add(sObject, key: externalID, fields: fields), true)
    }

    /// Creates a record keyed by its new id; returns the id.
    mutating func create(_ sObject: String, fields: JSONObject) -> String {
        add(sObject, key: nil, fields: fields)
    }

    /// Merges `fields` into the record of `sObject` with this `Id`; nothing happens when there is none
    /// (callers check ``contains(_:id:)`` first, to answer Salesforce's error).
    mutating func update(_ sObject: String, id: String, fields: JSONObject) {
        guard let key = keysByID[sObject]?[id] else { return }
        merge(fields, into: sObject, key: key)
    }

    /// Stores a new record under `key`, or under its new id when `key` is `nil`; returns the id.
    private mutating func add(_ sObject: String, key: String?, fields: JSONObject) -> String {
        recordsCreated += 1
        let id = SalesforceID.make(prefix: SalesforceID.keyPrefix(of: sObject), number: recordsCreated)
        var created: JSONObject = ["Id": .string(id)]
        for (name, value) in fields { _ = created.updateValue(value, forKey: name) }
        records[sObject, default: [:]][key ?? id] = created
        keysByID[sObject, default: [:]][id] = key ?? id
        return id
    }

    private mutating func merge(_ fields: JSONObject, into sObject: String, key: String) {
        guard var existing = records[sObject]?[key] else { return }
        for (name, value) in fields { _ = existing.updateValue(value, forKey: name) }
        records[sObject, default: [:]][key] = existing
    }

    /// Every record: `{"Contact":{"C1":{"Id":"003…",…}},…}`, sObjects and keys sorted.
    var json: JSONValue {
        .object(JSONObject(records.keys.sorted().map { ($0, json(of: $0)) }))
    }

    /// One sObject's records by key: `{"C1":{"Id":"003…",…},…}`; `{}` for an sObject never written.
    func json(of sObject: String) -> JSONValue {
        let byKey = records[sObject] ?? [:]
        return .object(JSONObject(byKey.keys.sorted().map { ($0, JSONValue.object(byKey[$0]!)) }))
    }
}
