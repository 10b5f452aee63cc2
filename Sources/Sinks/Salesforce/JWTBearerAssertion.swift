import Foundation
import StreamCore
import _CryptoExtras

/// The signed JWT of Salesforce's OAuth 2.0 JWT bearer flow: `{"alg":"RS256"}`, claims `iss` (the
/// connected app's consumer key), `sub` (the user), `aud` (the login URL) and `exp` (at most three
/// minutes ahead), signed RS256 with the app's private key.
enum JWTBearerAssertion {
    static func make(clientID: String, username: String, audience: String, privateKey: _RSA.Signing.PrivateKey, now: Date = Date()) throws -> String {
        let header = base64URL(Array(#"{"alg":"RS256"}"#.utf8))
        let claims: JSONValue = .object([
            "iss": .string(clientID), "sub": .string(username), "aud": .string(audience),
            "exp": .int(Int64(now.timeIntervalSince1970) + 170),
        ])
        let signingInput = header + "." + base64URL(JSONSerializer.serialize(claims))
        let signature = try privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + base64URL(Array(signature.rawRepresentation))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
