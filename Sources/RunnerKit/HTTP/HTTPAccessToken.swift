import HTTPServing

/// The bearer token the runner's HTTP endpoint may require: with one configured, a request must carry
/// `Authorization: Bearer TOKEN`, except `GET /health` (for load balancers and orchestrators) and the
/// dashboard page itself (it holds no data; its script sends the token, taken from the page address's
/// `#token=` fragment, which browsers never send to the server).
struct HTTPAccessToken: Sendable {
    private let token: [UInt8]

    /// A token; nil for empty text (an empty secret protects nothing).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        token = Array(trimmed.utf8)
    }

    /// Whether `request` may be answered.
    func permits(_ request: HTTPRequest) -> Bool {
        if request.method == .get, request.path == ["health"] || request.path == ["dashboard"] { return true }
        guard let authorization = request.headers.last(where: { $0.name.lowercased() == "authorization" })?.value,
              authorization.lowercased().hasPrefix("bearer ")
        else { return false }
        return Self.constantTimeEqual(Array(authorization.dropFirst("bearer ".count).utf8), token)
    }

    /// Compares without stopping at the first difference, so response times do not reveal how much of a
    /// guess was right.
    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
