import Foundation

/// The API usage Salesforce reports on every response in `Sforce-Limit-Info`, e.g.
/// `api-usage=18/5000` or `api-usage=18/5000; per-app-api-usage=17/250(appName=Shop)`.
public struct SalesforceLimitInfo: Sendable, Equatable {
    /// API requests used in the org's rolling 24 hours.
    public var used: Int
    /// The org's daily allowance.
    public var limit: Int

    public init(used: Int, limit: Int) {
        self.used = used
        self.limit = limit
    }

    /// Parses the header leniently: the `api-usage` part is read wherever it is; anything else (other
    /// parts, spaces, unknown keys) is ignored. `nil` when there is no readable `api-usage`.
    public init?(header: String) {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "api-usage" else { continue }
            let numbers = pair[1].split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 2, let used = numbers[0], let limit = numbers[1], limit > 0 else { return nil }
            self.init(used: used, limit: limit)
            return
        }
        return nil
    }

    /// The share of the daily allowance already used, 0...1 (more when over).
    public var fraction: Double { Double(used) / Double(limit) }
}
