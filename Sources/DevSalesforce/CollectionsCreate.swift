import StreamCore

/// `POST /services/data/vNN.N/composite/sobjects`: create up to 200 records, each of the sObject its
/// `attributes.type` names, answering `{"id","success":true,"errors":[]}` or the record's errors, in order.
///
/// A created record is stored under its new `Id` (the call names no external id field), so a later
/// upsert by external id does not find it; update by `Id` does.
enum CollectionsCreate {
    static func respond(body: [UInt8], records: inout RecordStore, faults: inout FaultScript) -> APIResponse {
        SObjectCollections.respond(body: body, records: &records, faults: &faults) { type, fields, staged, faults in
            if fields["Id"] != nil {
                return .failure(RecordError(statusCode: "INVALID_FIELD", message: "cannot specify Id in an insert call", fields: ["Id"]))
            }
            // No external id to match: only faults that name no ids can fail a created record.
            if let statusCode = faults.recordFailure(matching: nil) {
                return .failure(.scripted(statusCode, sObject: type, key: nil, existingID: nil))
            }
            return .success(SObjectCollections.Written(id: staged.create(type, fields: fields)))
        }
    }
}
