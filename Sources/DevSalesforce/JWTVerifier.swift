import Foundation
import StreamCore
import _CryptoExtras

/// Checks a JWT-bearer assertion as Salesforce does: an RS256 signature by the connected app's key,
/// `iss` the app's client id, `sub` the integration user, `aud` a login URL, `exp` in the next 3 minutes.
struct JWTVerifier: Sendable {
    /// How far `exp` may lie ahead: Salesforce accepts assertions valid for at most 3 minutes.
    static let maximumAssertionLifetime: TimeInterval = 180
    /// Leeway for clocks that disagree a little, both for expiry and for the 3 minutes.
    static let allowedClockSkew: TimeInterval = 30

    private let publicKey: _RSA.Signing.PublicKey

    /// - Throws: ``DevSalesforceError`` when `publicKeyPEM` is not an RSA public key in PEM.
    init(publicKeyPEM: String) throws(DevSalesforceError) {
        do {
            publicKey = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        } catch {
            throw DevSalesforceError(code: .invalidPublicKey, message: "not an RSA public key in PEM: \(error)")
        }
    }

    /// Returns normally when `assertion` grants a token to `username` of the app `clientID`.
    ///
    /// - Throws: ``OAuthError`` with the error and description Salesforce answers for that problem.
    func verify(_ assertion: String, clientID: String, username: String, audiences: Set<String>, now: Date) throws(OAuthError) {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let header = Self.decodeBase64URL(parts[0]).flatMap({ try? JSONValue(parsing: $0) }),
              let claims = Self.decodeBase64URL(parts[1]).flatMap({ try? JSONValue(parsing: $0) }),
              let signature = Self.decodeBase64URL(parts[2]),
              header["alg"]?.stringValue == "RS256"
        else { throw .invalidAssertion }
        let signedBytes = Array("\(parts[0]).\(parts[1])".utf8)
        guard publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signedBytes, padding: .insecurePKCS1v1_5) else {
            throw .invalidAssertion
        }
        guard claims["iss"]?.stringValue == clientID else { throw .invalidClientID }
        let audience = claims["aud"].map { $0.arrayValue ?? [$0] } ?? []
        guard audience.contains(where: { $0.stringValue.map(audiences.contains) ?? false }) else {
            throw OAuthError(error: "invalid_grant", description: "audience is invalid")
        }
        guard claims["sub"]?.stringValue == username else {
            throw OAuthError(error: "invalid_grant", description: "user hasn't approved this consumer")
        }
        guard let expiry = claims["exp"]?.doubleValue else { throw .invalidAssertion }
        let secondsLeft = expiry - now.timeIntervalSince1970
        guard secondsLeft > -Self.allowedClockSkew else {
            throw OAuthError(error: "invalid_grant", description: "expired authorization code")
        }
        guard secondsLeft <= Self.maximumAssertionLifetime + Self.allowedClockSkew else { throw .invalidAssertion }
    }

    /// Base64url without padding, as JWTs encode their parts.
    private static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
