import StreamCore

/// A `/services/data` resource's answer before it becomes HTTP: status and JSON body, so that composite
/// requests can embed it as a subresponse.
struct APIResponse: Sendable {
    var status: Int
    var body: JSONValue
    /// The records a collections call carried, for the request log.
    var recordCount: Int?

    init(status: Int, body: JSONValue, recordCount: Int? = nil) {
        self.status = status
        self.body = body
        self.recordCount = recordCount
    }

    init(_ error: APIError, recordCount: Int? = nil) {
        self.init(status: error.status, body: error.body, recordCount: recordCount)
    }
}
