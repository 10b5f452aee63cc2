/// One whole HTTP request as a handler sees it: head and body together, the target already split into
/// percent-decoded path components and query parameters.
public struct HTTPRequest: Sendable {
    /// The request method as sent, e.g. `GET` or `PATCH`.
    public var method: Method
    /// The request target exactly as sent, e.g. `/stores/orders/range?limit=10`.
    public var uri: String
    /// The path's percent-decoded components, without empty ones: `/a//b/` is `["a", "b"]`.
    public var path: [String]
    /// The query parameters, percent-decoded (`+` read as a space); a repeated name keeps its last value.
    public var query: [String: String]
    /// The header fields in the order sent; look them up with ``header(_:)``.
    public var headers: [(name: String, value: String)]
    /// The body bytes (empty when there is none).
    public var body: [UInt8]

    /// A request as the server collects it; public so that handlers can be tested without a socket.
    public init(method: Method, uri: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        let target = RequestTarget(uri)
        self.method = method
        self.uri = uri
        self.path = target.path
        self.query = target.query
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field named `name`, compared case-insensitively as HTTP requires.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body read as `application/x-www-form-urlencoded` fields, decoded like the query.
    public var formFields: [String: String] {
        RequestTarget.parameters(Substring(decoding: body, as: UTF8.self))
    }
}

extension HTTPRequest {
    /// An HTTP method. A struct rather than an enum because methods are open-ended (WebDAV, custom ones).
    public struct Method: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The method token as sent, e.g. `PATCH`.
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        public static let get = Method(rawValue: "GET")
        public static let head = Method(rawValue: "HEAD")
        public static let post = Method(rawValue: "POST")
        public static let put = Method(rawValue: "PUT")
        public static let patch = Method(rawValue: "PATCH")
        public static let delete = Method(rawValue: "DELETE")
    }
}
