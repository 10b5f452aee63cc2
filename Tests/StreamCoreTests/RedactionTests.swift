import Testing
@testable import StreamCore

/// What counts as a secret wherever a configuration is printed.
@Suite("Redaction")
struct RedactionTests {
    @Test func kafkaPropertiesHoldingSecretsAreMasked() {
        let properties = [
            "sasl.password": "p", "sasl.username": "u", "sasl.jaas.config": "j", "ssl.key.password": "k", "ssl.key.pem": "pem",
            "ssl.keystore.password": "s", "sasl.oauthbearer.client.secret": "c", "security.protocol": "SASL_SSL", "bootstrap.servers": "b:9092",
        ]
        #expect(Redaction.redacted(properties: properties) == [
            "sasl.password": "***", "sasl.username": "***", "sasl.jaas.config": "***", "ssl.key.password": "***", "ssl.key.pem": "***",
            "ssl.keystore.password": "***", "sasl.oauthbearer.client.secret": "***", "security.protocol": "SASL_SSL", "bootstrap.servers": "b:9092",
        ])
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
