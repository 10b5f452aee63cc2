import StreamCore

/// `PATCH /services/data/vNN.N/sobjects/{SObject}/{ExternalIdField}/{value}`: upsert one record by
/// external id; 201 with `created:true` on insert, 200 with `created:false` on update (API v46+).
enum SingleUpsert {
    static func respond(
        sObject: String, externalIDField: String, externalID: String, body: [UInt8], records: inout RecordStore, faults: inout FaultScript
    ) -> APIResponse {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: body)
        } catch {
            return APIResponse(.jsonParserError("Malformed JSON: \(error)"))
        }
        guard var fields = parsed.objectValue else {
            return APIResponse(.jsonParserError("The request body must be a JSON object of fields"))
        }
        _ = fields.removeValue(forKey: "attributes")
        if fields["Id"] != nil {
            return APIResponse(APIError(status: 400, errorCode: "INVALID_FIELD", message: "Id not allowed in an upsert by external id", fields: ["Id"]))
        }
        if let statusCode = faults.recordFailure(matching: externalID) {
            let existingID = records.record(sObject, externalID: externalID)?["Id"]?.stringValue
            let error = RecordError.scripted(statusCode, sObject: sObject, key: (externalIDField, externalID), existingID: existingID)
            return APIResponse(APIError(status: 400, errorCode: error.statusCode, message: error.message, fields: error.fields))
        }
        // The URL names the record; a differing value in the body would move it, which upsert does not do.
        _ = fields.updateValue(.string(externalID), forKey: externalIDField)
        let written = records.upsert(sObject, externalID: externalID, fields: fields)
        return APIResponse(
            status: written.created ? 201 : 200,
            body: ["id": .string(written.id), "success": true, "errors": [], "created": .bool(written.created)]
        )
    }
}
