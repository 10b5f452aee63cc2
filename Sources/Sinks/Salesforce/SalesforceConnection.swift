import Foundation
import _CryptoExtras
import StreamCore

/// How a Salesforce sink signs in: the org's login URL, the connected app, and one OAuth flow.
///
/// Its description never shows the secret or the key.
public struct SalesforceConnection: Sendable, CustomStringConvertible {
    /// The OAuth 2.0 flow and its secret.
    public enum Flow: Sendable {
        /// JWT bearer: an assertion for `username`, signed RS256 with the app's private key.
        case jwtBearer(username: String, privateKey: _RSA.Signing.PrivateKey)
        /// Client credentials: the app's consumer secret (the org's My Domain URL as login URL).
        case clientCredentials(secret: String)
    }

    /// `https://login.salesforce.com`, `https://test.salesforce.com`, or the org's My Domain URL.
    public var loginURL: URL
    /// The connected app's consumer key.
    public var clientID: String
    public var flow: Flow

    public init(loginURL: URL, clientID: String, flow: Flow) {
        self.loginURL = loginURL
        self.clientID = clientID
        self.flow = flow
    }

    /// Reads the settings a topology names, failing with a message per problem: a missing value, a
    /// login URL that is not http(s), an unreadable key file, or no complete flow.
    ///
    /// - Parameters:
    ///   - settings: values by setting name (`login-url`, `client-id`, `username`, `private-key-file`,
    ///     `client-secret`); an absent or empty value is not set.
    public static func from(settings: [String: String]) throws(SalesforceConnectionError) -> SalesforceConnection {
        func value(_ name: String) -> String? { settings[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let loginText = value("login-url") else { throw .missing("login-url") }
        guard let loginURL = URL(string: loginText), ["http", "https"].contains(loginURL.scheme ?? ""), loginURL.host != nil else {
            throw .invalid("login-url", "'\(loginText)' is not an http(s) URL")
        }
        guard let clientID = value("client-id") else { throw .missing("client-id") }
        if let username = value("username"), let keyFile = value("private-key-file") {
            let pem: String
            do {
                pem = try String(contentsOfFile: keyFile, encoding: .utf8)
            } catch {
                throw .invalid("private-key-file", "cannot read '\(keyFile)'")
            }
            do {
                let key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
                return SalesforceConnection(loginURL: loginURL, clientID: clientID, flow: .jwtBearer(username: username, privateKey: key))
            } catch {
                throw .invalid("private-key-file", "'\(keyFile)' holds no RSA private key in PEM form (2048 bits or more)")
            }
        }
        if let secret = value("client-secret") {
            return SalesforceConnection(loginURL: loginURL, clientID: clientID, flow: .clientCredentials(secret: secret))
        }
        throw .noFlow
    }

    public var description: String {
        switch flow {
        case .jwtBearer(let username, _): "Salesforce at \(Redaction.redacted(url: loginURL.absoluteString)), app \(clientID), JWT bearer for \(username)"
        case .clientCredentials: "Salesforce at \(Redaction.redacted(url: loginURL.absoluteString)), app \(clientID), client credentials"
        }
    }
}

/// Why a Salesforce connection cannot be set up; names the setting.
public enum SalesforceConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)
    case noFlow

    /// Whether a setting is not set at all, rather than set wrongly.
    public var isMissingSetting: Bool {
        switch self {
        case .missing, .noFlow: true
        case .invalid: false
        }
    }

    public var description: String {
        switch self {
        case .missing(let setting): "connection setting '\(setting)' is not set"
        case .invalid(let setting, let problem): "connection setting '\(setting)': \(problem)"
        case .noFlow: "connection needs either 'username' and 'private-key-file' (JWT bearer flow) or 'client-secret' (client-credentials flow)"
        }
    }
}
