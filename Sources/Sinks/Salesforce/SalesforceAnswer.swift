import StreamCore

/// Sorts Salesforce's answers to a collections call into what the sink does next.
enum SalesforceAnswer {
    /// Per-record codes worth retrying on their own: the row was busy, or another record's failure
    /// rolled this one back.
    static let retriableRecordCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "ALL_OR_NONE_OPERATION_ROLLED_BACK"]

    static let statusCodeHeader = "tributary.salesforce.status-code"
    static let messageHeader = "tributary.salesforce.message"
    static let fieldsHeader = "tributary.salesforce.fields"

    static func classify(_ response: HTTPExchange.Response, count: Int) -> SinkDelivery {
        let json = try? JSONValue(parsing: response.body)
        let error = firstError(json)
        switch response.status {
        case 200, 201:
            guard let results = json?.arrayValue else {
                return .retryBatch(reason: "Salesforce answered \(response.status) without per-record results", retryAfter: nil)
            }
            return .perRecord((0..<count).map { index in
                index < results.count ? outcome(results[index]) : .retry(reason: "no result for this record")
            })
        case 400:
            // The whole request was refused as malformed: each record goes to the dead-letter topic
            // with the reason rather than being retried forever.
            let (code, message) = error ?? ("HTTP 400", "bad request")
            return .perRecord(Array(repeating: deadLetter(code: code, message: message, fields: []), count: count))
        case 401:
            return .retryBatch(reason: "the session was refused again after renewing it", retryAfter: nil)
        case 403 where error?.code == "REQUEST_LIMIT_EXCEEDED":
            let message = error?.message ?? ""
            if message.hasPrefix("TotalRequests") {
                return .allowanceExhausted(reason: "REQUEST_LIMIT_EXCEEDED: \(message)")
            }
            // ConcurrentPerOrgLongTxn and other short-lived limits pass with time.
            return .retryBatch(reason: "REQUEST_LIMIT_EXCEEDED: \(message)", retryAfter: nil)
        case 403, 404:
            let (code, message) = error ?? ("HTTP \(response.status)", "refused")
            return .fatal(reason: "Salesforce refused the call (\(code): \(message)); check the sObject, fields and the user's permissions")
        default:
            let (code, message) = error ?? ("HTTP \(response.status)", "no error body")
            let retryAfter = response.headers["retry-after"].flatMap(Int.init).map { Duration.seconds($0) }
            return .retryBatch(reason: "\(code): \(message)", retryAfter: retryAfter)
        }
    }

    /// One record's result: `{"id":…,"success":true,…}` or `{"success":false,"errors":[{statusCode,message,fields}]}`.
    private static func outcome(_ result: JSONValue) -> SinkDelivery.RecordOutcome {
        if result["success"]?.boolValue == true { return .delivered }
        let first = result["errors"]?[0]
        let code = first?["statusCode"]?.stringValue ?? "UNKNOWN_ERROR"
        let message = first?["message"]?.stringValue ?? ""
        if retriableRecordCodes.contains(code) { return .retry(reason: "\(code): \(message)") }
        let fields = first?["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return deadLetter(code: code, message: message, fields: fields)
    }

    private static func deadLetter(code: String, message: String, fields: [String]) -> SinkDelivery.RecordOutcome {
        .deadLetter(reason: "Salesforce refused the record: \(code): \(message)", headers: [
            KafkaHeader(statusCodeHeader, code), KafkaHeader(messageHeader, message), KafkaHeader(fieldsHeader, fields.joined(separator: ",")),
        ])
    }

    /// The first `{"errorCode","message"}` of an error array answer.
    private static func firstError(_ json: JSONValue?) -> (code: String, message: String)? {
        guard let first = json?[0], let code = first["errorCode"]?.stringValue else { return nil }
        return (code, first["message"]?.stringValue ?? "")
    }
}
