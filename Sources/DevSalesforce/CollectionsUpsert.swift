import StreamCore

/// `PATCH /services/data/vNN.N/composite/sobjects/{SObject}/{ExternalIdField}`: upsert up to 200 records
/// of one sObject by external id, answering one result per record, in order.
enum CollectionsUpsert {
    /// Salesforce's cap on records per collections call.
    static let maximumRecords = 200

    static func respond(sObject: String, externalIDField: String, body: [UInt8], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        let request: JSONValue
        do {
            request = try JSONValue(parsing: body)
        } catch {
            return APIResponse(.jsonParserError("Malformed JSON: \(error)"))
        }
        guard let items = request["records"]?.arrayValue else {
            return APIResponse(.jsonParserError("The request body must be an object with a 'records' array"))
        }
        guard items.count <= maximumRecords else {
            return APIResponse(
                APIError(status: 400, errorCode: "EXCEEDED_ID_LIMIT", message: "record limit reached. cannot submit more than \(maximumRecords) records into this call"),
                recordCount: items.count
            )
        }
        let allOrNone = request["allOrNone"]?.boolValue ?? false

        // Written into a copy, committed only if the call as a whole stands.
        var staged = records
        var results: [Result<(id: String, created: Bool), RecordError>] = items.map { item in
            let fields: JSONObject, externalID: String
            switch validate(item, sObject: sObject, externalIDField: externalIDField) {
            case .failure(let error): return .failure(error)
            case .success(let valid): (externalID, fields) = valid
            }
            if let statusCode = faults.recordFailure(externalID: externalID) {
                let existingID = staged.record(sObject, externalID: externalID)?["Id"]?.stringValue
                return .failure(.scripted(statusCode, sObject: sObject, externalIDField: externalIDField, externalID: externalID, existingID: existingID))
            }
            let written = staged.upsert(sObject, externalID: externalID, fields: fields)
            return .success(written)
        }
        let anyFailed = results.contains { if case .failure = $0 { true } else { false } }
        if allOrNone && anyFailed {
            results = results.map { result in
                if case .failure = result { return result }
                return .failure(.rolledBack)
            }
        } else {
            records = staged
        }
        return APIResponse(status: 200, body: .array(results.map(json)), recordCount: items.count)
    }

    /// The external id and the fields to store (without `attributes`), or why the record cannot be upserted.
    private static func validate(_ item: JSONValue, sObject: String, externalIDField: String) -> Result<(String, JSONObject), RecordError> {
        guard var fields = item.objectValue else {
            return .failure(RecordError(statusCode: "INVALID_TYPE", message: "Must send a concrete entity type."))
        }
        guard let type = fields.removeValue(forKey: "attributes")?["type"]?.stringValue else {
            return .failure(RecordError(statusCode: "INVALID_TYPE", message: "Must send a concrete entity type."))
        }
        guard type.lowercased() == sObject.lowercased() else {
            return .failure(RecordError(statusCode: "INVALID_TYPE", message: "Record type \(type) does not match the upserted sObject type \(sObject)"))
        }
        if fields["Id"] != nil {
            return .failure(RecordError(statusCode: "INVALID_FIELD", message: "Id not allowed in an upsert by external id; use \(externalIDField)", fields: ["Id"]))
        }
        guard let externalID = fields[externalIDField].flatMap(externalIDText) else {
            return .failure(RecordError(statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [\(externalIDField)]", fields: [externalIDField]))
        }
        return .success((externalID, fields))
    }

    /// An external id value as text: a non-empty string or an integer, as Salesforce accepts.
    static func externalIDText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty: text
        case .int(let number): String(number)
        default: nil
        }
    }

    private static func json(_ result: Result<(id: String, created: Bool), RecordError>) -> JSONValue {
        switch result {
        case .success(let written):
            ["id": .string(written.id), "success": true, "errors": [], "created": .bool(written.created)]
        case .failure(let error):
            ["success": false, "errors": [error.json]]
        }
    }
}
