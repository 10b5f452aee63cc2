import StreamCore

/// How `runner dev-salesforce` is set up: where it listens, the credentials it accepts, its limits and
/// the faults scripted from the start.
public struct DevSalesforceConfiguration: Sendable {
    /// The address to listen on; also the host of the `instance_url` handed out.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port = 0
    /// The connected app's consumer key: `client_id` of the client-credentials grant, `iss` of a JWT.
    public var clientID = "tributary-dev"
    /// The connected app's consumer secret (client-credentials grant).
    public var clientSecret = "dev-secret"
    /// The integration user: `sub` of a JWT.
    public var username = "integration@example.com"
    /// The connected app's certificate key, as a PEM RSA public key; the JWT-bearer grant is only
    /// accepted when set.
    public var jwtPublicKeyPEM: String?
    /// API requests allowed before every call answers 403 `REQUEST_LIMIT_EXCEEDED`.
    public var dailyRequestLimit = 100_000
    /// How long an access token is valid.
    public var tokenLifetime: Duration = .seconds(2 * 60 * 60)
    /// A fault script in force from the start (the format ``DevSalesforce`` documents), or `nil`.
    public var faultScript: JSONValue?

    public init() {}
}

/// Why the stand-in cannot start.
public struct DevSalesforceError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        /// The configured JWT public key is not an RSA public key in PEM.
        public static let invalidPublicKey = Code(description: "invalidPublicKey")
        /// The initial fault script is malformed.
        public static let invalidFaultScript = Code(description: "invalidFaultScript")
    }

    public var code: Code
    /// What is wrong, for a human.
    public var message: String

    public var description: String { message }
}
