import Testing
@testable import StreamCore

/// What counts as a secret wherever a configuration is printed.
@Suite("Redaction")
struct RedactionTests {
    @Test func kafkaPropertiesHoldingSecretsAreKnown() {
        let secret = ["sasl.password", "sasl.username", "sasl.jaas.config", "ssl.key.password", "ssl.key.pem", "ssl.keystore.password", "sasl.oauthbearer.client.secret"]
        let plain = ["security.protocol", "bootstrap.servers", "ssl.ca.location", "client.id"]
        #expect(secret.allSatisfy(Redaction.isSecret(property:)))
        #expect(!plain.contains(where: Redaction.isSecret(property:)))
    }

    @Test(arguments: [
        ("http://user:secret@host:8080/path?api_key=k1&page=2", "http://user:***@host:8080/path?api_key=***&page=2"),
        ("https://host/hook?token=t&access_token=a&sig=s&q=shoes", "https://host/hook?token=***&access_token=***&sig=***&q=shoes"),
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("not a url with a secret", "***"),
    ])
    func urlsKeepEverythingButTheirCredentials(url: String, shown: String) {
        #expect(Redaction.redacted(url: url) == shown)
    }

    @Test func credentialHeadersAreMasked() {
        #expect(Redaction.redacted(header: "Authorization", value: "Bearer t") == "***")
        #expect(Redaction.redacted(header: "X-Api-Key", value: "k") == "***")
        #expect(Redaction.redacted(header: "X-Order-Id", value: "O-1") == "O-1")
    }
}
