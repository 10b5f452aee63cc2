import StreamCore

/// `PATCH /services/data/vNN.N/composite/sobjects`: update up to 200 existing records, each named by
/// its `Id` and of the sObject its `attributes.type` names; fields sent overwrite, the others stay.
/// Answers `{"id","success":true,"errors":[]}` or the record's errors, in order.
enum CollectionsUpdate {
    static func respond(body: [UInt8], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        SObjectCollections.respond(body: body, records: &records, faults: &faults) { type, fields, staged, faults in
            guard let id = fields["Id"]?.stringValue, !id.isEmpty else {
                return .failure(RecordError(statusCode: "MISSING_ARGUMENT", message: "Id not specified in an update call"))
            }
            // Salesforce may also answer ENTITY_IS_DELETED for a deleted record; the stand-in deletes none.
            guard staged.contains(type, id: id) else {
                return .failure(RecordError(statusCode: "INVALID_CROSS_REFERENCE_KEY", message: "invalid cross reference id"))
            }
            if let statusCode = faults.recordFailure(matching: id) {
                return .failure(.scripted(statusCode, sObject: type, key: ("Id", id), existingID: id))
            }
            staged.update(type, id: id, fields: fields)
            return .success(SObjectCollections.Written(id: id))
        }
    }
}
