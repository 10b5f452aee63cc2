/// What a handler answers: status, header fields and the whole body.
///
/// The server adds `Content-Length` (and `Connection` as keep-alive requires), so handlers set neither.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200 or 404; the reason phrase is the standard one.
    public var status: Int
    /// Header fields, sent in this order.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `body`, labelled with `contentType` (e.g. `application/json`).
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// A `text/plain` UTF-8 response.
    public init(status: Int, text: String) {
        self.init(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
