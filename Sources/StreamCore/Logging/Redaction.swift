import Foundation

/// What a configuration may show of itself in logs and descriptions: secrets replaced by `***`, at
/// every log level. One home for what counts as a secret, so every place that prints settings agrees.
public enum Redaction {
    /// What a secret is shown as.
    public static let mask = "***"

    /// Whether a librdkafka property holds a secret: `*.password`, `*.secret`, anything of SASL
    /// (`sasl.password`, `sasl.oauthbearer.client.secret`, `sasl.jaas.config`, ...) and private keys
    /// (`ssl.key.pem`, `ssl_key`).
    public static func isSecret(property name: String) -> Bool {
        let name = name.lowercased()
        return name.hasPrefix("sasl.") || name.contains("password") || name.contains("secret")
            || name.hasPrefix("ssl.key") || name.hasPrefix("ssl_key") || name.contains("private")
    }

    /// Whether a name (an HTTP header, a URL query parameter) says its value is a credential:
    /// `Authorization`, `Cookie`, and names with key, token, secret, password, signature or session in them.
    public static func isSecret(name: String) -> Bool {
        let name = name.lowercased()
        return ["authorization", "cookie", "key", "token", "secret", "password", "passwd", "signature", "sig", "session", "credential", "auth"]
            .contains { name.contains($0) }
    }

    /// `url` with the password of its user info and the values of query parameters named like
    /// credentials masked: `https://user:***@host/path?api_key=***&page=2`. Text that is no URL is
    /// masked whole, since there is no telling where a secret in it starts.
    public static func redacted(url: String) -> String {
        guard var components = URLComponents(string: url), components.scheme != nil else { return mask }
        if components.password != nil { components.password = mask }
        components.queryItems = components.queryItems?.map { item in
            isSecret(name: item.name) && item.value != nil ? URLQueryItem(name: item.name, value: mask) : item
        }
        // URLComponents percent-encodes the mask's asterisks in user info; they read better as they are.
        return (components.string ?? mask).replacingOccurrences(of: "%2A%2A%2A", with: mask)
    }

    /// `value` if the header `name` is no credential, else the mask.
    public static func redacted(header name: String, value: String) -> String {
        isSecret(name: name) ? mask : value
    }
}
