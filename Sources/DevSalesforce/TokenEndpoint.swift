import Foundation
import HTTPServing

/// `POST /services/oauth2/token`: decides whether a form-encoded token request earns an access token,
/// by the client-credentials grant or (with a public key configured) the JWT-bearer grant.
struct TokenEndpoint: Sendable {
    static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    let clientID: String
    let clientSecret: String
    let username: String
    /// `nil` when no public key was configured: the JWT-bearer grant is then unsupported.
    let jwtVerifier: JWTVerifier?

    /// Returns normally when a token may be issued.
    ///
    /// - Parameter baseURL: the stand-in's own URL, accepted as a JWT audience besides the login URLs.
    /// - Throws: ``OAuthError`` as Salesforce answers the refused grant.
    func checkGrant(_ request: HTTPRequest, baseURL: String, now: Date) throws(OAuthError) {
        guard request.method == .post else { throw OAuthError(error: "invalid_request", description: "must use HTTP POST") }
        let form = request.formFields
        switch form["grant_type"] {
        case "client_credentials":
            let (id, secret) = form["client_id"].map { ($0, form["client_secret"]) } ?? basicCredentials(request) ?? (nil, nil)
            guard id == clientID else { throw .invalidClientID }
            guard secret == clientSecret else { throw .invalidClientCredentials }
        case Self.jwtBearerGrant? where jwtVerifier != nil:
            guard let assertion = form["assertion"] else { throw .invalidAssertion }
            let audiences: Set = ["https://login.salesforce.com", "https://test.salesforce.com", baseURL]
            try jwtVerifier!.verify(assertion, clientID: clientID, username: username, audiences: audiences, now: now)
        default:
            throw OAuthError(error: "unsupported_grant_type", description: "grant type not supported")
        }
    }

    /// `Authorization: Basic base64(id:secret)`, as OAuth clients may send client credentials.
    private func basicCredentials(_ request: HTTPRequest) -> (String?, String?)? {
        guard let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let pair = String(decoding: decoded, as: UTF8.self).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (pair.first.map(String.init), pair.count > 1 ? String(pair[1]) : nil)
    }
}
