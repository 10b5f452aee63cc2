import StreamCore

/// What every sObject Collections write (create, update, upsert) shares: the body
/// `{"allOrNone":…,"records":[…]}`, the 200-record cap, writing records in order into a staged copy of
/// the org that `allOrNone` can throw away, and one result per record in the answer.
enum SObjectCollections {
    /// Salesforce's cap on records per collections call.
    static let maximumRecords = 200

    /// What writing one record did: its id, and for an upsert whether it was created (create and
    /// update answers carry no `created`).
    struct Written {
        var id: String
        var created: Bool?
    }

    /// Answers a collections call, writing each record with `write` in order. A record that names no
    /// sObject type (`attributes.type`) fails with `INVALID_TYPE` before `write` sees it.
    ///
    /// - Parameter write: given one record's type and fields (without `attributes`), validates them,
    ///   consults the fault script and writes the record into the staged store it is given, or says why
    ///   the record fails.
    static func respond(
        body: [UInt8], records: inout RecordStore, faults: inout FaultScript,
        write: (_ type: String, _ fields: JSONObject, inout RecordStore, inout FaultScript) -> Result<Written, RecordError>
    ) -> APIResponse {
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
        var results = items.map { item -> Result<Written, RecordError> in
            switch typedFields(item) {
            case .failure(let error): .failure(error)
            case .success(let typed): write(typed.type, typed.fields, &staged, &faults)
            }
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

    /// The record's sObject type (`attributes.type`) and its fields without `attributes`, or
    /// `INVALID_TYPE` when it names none.
    private static func typedFields(_ item: JSONValue) -> Result<(type: String, fields: JSONObject), RecordError> {
        guard var fields = item.objectValue, let type = fields.removeValue(forKey: "attributes")?["type"]?.stringValue else {
            return .failure(RecordError(statusCode: "INVALID_TYPE", message: "Must send a concrete entity type."))
        }
        return .success((type, fields))
    }

    private static func json(_ result: Result<Written, RecordError>) -> JSONValue {
        switch result {
        case .success(let written):
            var object: JSONObject = ["id": .string(written.id), "success": true, "errors": []]
            if let created = written.created { _ = object.updateValue(.bool(created), forKey: "created") }
            return .object(object)
        case .failure(let error):
            return ["success": false, "errors": [error.json]]
        }
    }
}
