import Foundation
import StreamCore
import _CryptoExtras

/// A signed-in session: where the org's API is, and the bearer token for it.
struct SalesforceSession: Sendable, Equatable {
    var accessToken: String
    var instanceURL: URL
    /// When to sign in again before using it, when Salesforce said how long it lasts.
    var renewAfter: ContinuousClock.Instant?
}

/// Why no session could be had.
enum SalesforceSignInFailure: Error, Sendable {
    /// Salesforce refused the credentials (`invalid_grant`, `invalid_client`): trying again cannot help.
    case refused(String)
    /// No answer, or a server error: worth trying again later.
    case unavailable(String)
}

/// Signs in once and shares the session among all of a sink's requests. When a request finds the
/// session rejected (401), it asks for a renewal: concurrent askers share one sign-in.
actor SalesforceTokenProvider {
    private let connection: SalesforceConnection
    private let transport: HTTPTransport
    private var current: SalesforceSession?
    private var signingIn: Task<SalesforceSession, any Error>?

    init(connection: SalesforceConnection, transport: HTTPTransport) {
        self.connection = connection
        self.transport = transport
    }

    /// The current session, signing in first when there is none or it is due for renewal.
    func session() async throws(SalesforceSignInFailure) -> SalesforceSession {
        if let current, current.renewAfter.map({ ContinuousClock.now < $0 }) ?? true { return current }
        return try await signIn()
    }

    /// A session other than `rejected`: the one another request already renewed, or a new sign-in.
    func renew(rejected: SalesforceSession) async throws(SalesforceSignInFailure) -> SalesforceSession {
        if let current, current != rejected { return current }
        current = nil
        return try await signIn()
    }

    private func signIn() async throws(SalesforceSignInFailure) -> SalesforceSession {
        let task = signingIn ?? Task { [connection, transport] in try await Self.requestSession(connection, transport) }
        signingIn = task
        do {
            let session = try await task.value
            current = session
            signingIn = nil
            return session
        } catch let failure as SalesforceSignInFailure {
            signingIn = nil
            throw failure
        } catch {
            signingIn = nil
            throw .unavailable("\(error)")
        }
    }

    /// `POST {login}/services/oauth2/token`, form-encoded, for the connection's flow.
    private static func requestSession(_ connection: SalesforceConnection, _ transport: HTTPTransport) async throws(SalesforceSignInFailure) -> SalesforceSession {
        var form: [(String, String)]
        switch connection.flow {
        case .jwtBearer(let username, let privateKey):
            let audience = connection.loginURL.origin
            let assertion: String
            do {
                assertion = try JWTBearerAssertion.make(clientID: connection.clientID, username: username, audience: audience, privateKey: privateKey)
            } catch {
                throw .refused("cannot sign the JWT assertion with the private key: \(error)")
            }
            form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
        case .clientCredentials(let secret):
            form = [("grant_type", "client_credentials"), ("client_id", connection.clientID), ("client_secret", secret)]
        }
        let body = form.map { "\($0.0)=\(formEncoded($0.1))" }.joined(separator: "&")
        let url = connection.loginURL.appendingPathComponent("services/oauth2/token")
        let response: HTTPExchange.Response
        do {
            response = try await transport.send("POST", url, headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"], body: Array(body.utf8))
        } catch {
            throw .unavailable("sign-in: \(error)")
        }
        let json = try? JSONValue(parsing: response.body)
        guard response.status == 200 else {
            let code = json?["error"]?.stringValue ?? "HTTP \(response.status)"
            let detail = json?["error_description"]?.stringValue.map { ": \($0)" } ?? ""
            if response.status >= 500 || response.status == 429 { throw .unavailable("sign-in answered \(code)\(detail)") }
            throw .refused("Salesforce refused the sign-in (\(code)\(detail)); check the connected app, user and key or secret")
        }
        guard let token = json?["access_token"]?.stringValue, let instance = json?["instance_url"]?.stringValue.flatMap(URL.init(string:)) else {
            throw .unavailable("the sign-in answer has no access_token or instance_url")
        }
        // Salesforce rarely says how long a session lasts; when it does, renew a minute early.
        let renewAfter = json?["expires_in"]?.doubleValue.map { ContinuousClock.now + .seconds(max(0, $0 - 60)) }
        return SalesforceSession(accessToken: token, instanceURL: instance, renewAfter: renewAfter)
    }

    private static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension URL {
    /// `scheme://host[:port]`: the JWT audience Salesforce expects for a login URL.
    var origin: String {
        "\(scheme ?? "https")://\(host ?? "")\(port.map { ":\($0)" } ?? "")"
    }
}
