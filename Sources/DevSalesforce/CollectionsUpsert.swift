import StreamCore

/// `PATCH /services/data/vNN.N/composite/sobjects/{SObject}/{ExternalIdField}`: upsert up to 200 records
/// of one sObject by external id, answering one result per record, in order.
enum CollectionsUpsert {
    static func respond(sObject: String, externalIDField: String, body: [UInt8], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        SObjectCollections.respond(body: body, records: &records, faults: &faults) { type, fields, staged, faults in
            let externalID: String
            switch validate(type: type, fields: fields, sObject: sObject, externalIDField: externalIDField) {
            case .failure(let error): return .failure(error)
            case .success(let id): externalID = id
            }
            if let statusCode = faults.recordFailure(matching: externalID) {
                let existingID = staged.record(sObject, externalID: externalID)?["Id"]?.stringValue
                return .failure(.scripted(statusCode, sObject: sObject, key: (externalIDField, externalID), existingID: existingID))
            }
            let written = staged.upsert(sObject, externalID: externalID, fields: fields)
            return .success(SObjectCollections.Written(id: written.id, created: written.created))
        }
    }

    /// The record's external id, or why the record cannot be upserted.
    private static func validate(type: String, fields: JSONObject, sObject: String, externalIDField: String) -> Result<String, RecordError> {
        guard type.lowercased() == sObject.lowercased() else {
            return .failure(RecordError(statusCode: "INVALID_TYPE", message: "Record type \(type) does not match the upserted sObject type \(sObject)"))
        }
        if fields["Id"] != nil {
            return .failure(RecordError(statusCode: "INVALID_FIELD", message: "Id not allowed in an upsert by external id; use \(externalIDField)", fields: ["Id"]))
        }
        guard let externalID = fields[externalIDField].flatMap(externalIDText) else {
            return .failure(RecordError(statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [\(externalIDField)]", fields: [externalIDField]))
        }
        return .success(externalID)
    }

    /// An external id value as text: a non-empty string or an integer, as Salesforce accepts.
    static func externalIDText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty: text
        case .int(let number): String(number)
        default: nil
        }
    }
}
