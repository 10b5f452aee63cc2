import StreamCore

/// A whole-call failure as Salesforce's REST API answers it: a status and the body
/// `[{"message":"…","errorCode":"…"}]` (with `"fields"` where Salesforce names some).
struct APIError: Error, Sendable {
    var status: Int
    var errorCode: String
    var message: String
    var fields: [String]?

    /// The response body: always an array, even for one error.
    var body: JSONValue {
        var error: JSONObject = ["message": .string(message), "errorCode": .string(errorCode)]
        if let fields { _ = error.updateValue(.array(fields.map { .string($0) }), forKey: "fields") }
        return .array([.object(error)])
    }

    static let invalidSession = APIError(status: 401, errorCode: "INVALID_SESSION_ID", message: "Session expired or invalid")
    static let dailyLimitExceeded = APIError(status: 403, errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded.")
    static let concurrentLimitExceeded = APIError(
        status: 403, errorCode: "REQUEST_LIMIT_EXCEEDED",
        message: "ConcurrentPerOrgLongTxn Limit exceeded: too many long-running requests are in progress; retry later."
    )
    static let serverUnavailable = APIError(
        status: 503, errorCode: "SERVER_UNAVAILABLE",
        message: "Server is temporarily unavailable, please try again later."
    )
    static let notFound = APIError(status: 404, errorCode: "NOT_FOUND", message: "The requested resource does not exist")

    static func jsonParserError(_ message: String) -> APIError {
        APIError(status: 400, errorCode: "JSON_PARSER_ERROR", message: message)
    }

    static func methodNotAllowed(_ method: String, allowed: String) -> APIError {
        APIError(status: 405, errorCode: "METHOD_NOT_ALLOWED", message: "HTTP Method '\(method)' not allowed. Allowed are \(allowed)")
    }
}

/// One record's failure inside a collections result: `{"statusCode":"…","message":"…","fields":[…]}`.
struct RecordError: Error, Sendable {
    var statusCode: String
    var message: String
    var fields: [String] = []

    var json: JSONValue {
        ["statusCode": .string(statusCode), "message": .string(message), "fields": .array(fields.map { .string($0) })]
    }

    /// What the other records of an `allOrNone` call get when one of them failed.
    static let rolledBack = RecordError(
        statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        message: "Record rolled back because not all records were valid and the request was using AllOrNone header"
    )
}

/// A refused token request: 400 `{"error":"…","error_description":"…"}` as Salesforce's OAuth endpoint answers.
struct OAuthError: Error, Sendable {
    var error: String
    var description: String

    var body: JSONValue { ["error": .string(error), "error_description": .string(description)] }

    static let invalidAssertion = OAuthError(error: "invalid_grant", description: "invalid assertion")
    static let invalidClientID = OAuthError(error: "invalid_client_id", description: "client identifier invalid")
    static let invalidClientCredentials = OAuthError(error: "invalid_client", description: "invalid client credentials")
}

extension RecordError {
    /// The failure a `record-error` fault injects, worded as Salesforce words that status code.
    ///
    /// - Parameters:
    ///   - key: the field and value that name the record (external id, or `Id` for an update); `nil`
    ///     for a created record, which Salesforce's messages then leave `<unknown>` or unnamed.
    ///   - existingID: the record's id, if it has one yet.
    static func scripted(_ statusCode: String, sObject: String, key: (field: String, value: String)?, existingID: String?) -> RecordError {
        let id = existingID ?? SalesforceID.make(prefix: SalesforceID.keyPrefix(of: sObject), number: 0)
        let named = key.map { " \($0.value)" } ?? ""
        switch statusCode {
        case "DUPLICATE_VALUE":
            return RecordError(statusCode: statusCode, message: "duplicate value found: \(key?.field ?? "<unknown>") duplicates value on record with id: \(id)")
        case "UNABLE_TO_LOCK_ROW":
            return RecordError(statusCode: statusCode, message: "unable to obtain exclusive access to this record or 1 records: \(id)")
        case "INVALID_FIELD":
            return RecordError(statusCode: statusCode, message: "No such column 'Scripted_Fault__c' on sobject of type \(sObject)", fields: ["Scripted_Fault__c"])
        case "REQUIRED_FIELD_MISSING":
            return RecordError(statusCode: statusCode, message: "Required fields are missing: [LastName]", fields: ["LastName"])
        case "FIELD_CUSTOM_VALIDATION_EXCEPTION":
            return RecordError(statusCode: statusCode, message: "Record\(named) failed a validation rule (scripted fault)")
        case "MALFORMED_ID":
            return RecordError(statusCode: statusCode, message: "malformed id\(named)", fields: key.map { [$0.field] } ?? [])
        default:
            return RecordError(statusCode: statusCode, message: "\(statusCode): scripted fault for \(sObject)\(named)")
        }
    }
}
