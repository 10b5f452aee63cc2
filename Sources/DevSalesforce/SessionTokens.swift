/// The access tokens issued and until when each is valid.
struct SessionTokens: Sendable {
    private static let tokenCharacters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    private var expiries: [String: ContinuousClock.Instant] = [:]

    /// A new random token valid for `lifetime`, shaped like Salesforce's: `<org id>!<random>`.
    mutating func issue(orgID: String, lifetime: Duration, now: ContinuousClock.Instant) -> String {
        expiries = expiries.filter { $0.value > now }
        var generator = SystemRandomNumberGenerator()
        let token = orgID.prefix(15) + "!AQ" + String((0..<96).map { _ in Self.tokenCharacters.randomElement(using: &generator)! })
        expiries[token] = now.advanced(by: lifetime)
        return token
    }

    func isValid(_ token: String, at now: ContinuousClock.Instant) -> Bool {
        expiries[token].map { now < $0 } ?? false
    }

    /// Ends every session, as an expiry or revocation on Salesforce's side does.
    mutating func invalidateAll() {
        expiries.removeAll()
    }
}
