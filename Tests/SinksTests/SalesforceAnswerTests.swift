import Foundation
@testable import Sinks
import StreamCore
import Testing
import _CryptoExtras

/// Salesforce's documented answers (docs: errorcodes, resources_composite_sobjects_collections_upsert)
/// sorted into what the sink does; the limit header; the JWT assertion.
@Suite("Salesforce answers")
struct SalesforceAnswerTests {
    func response(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPExchange.Response {
        HTTPExchange.Response(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func perRecordResultsAreSortedIntoDeliveredRetriedAndDeadLettered() {
        let body = """
            [{"id":"003A","success":true,"errors":[],"created":true},
             {"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record","fields":[]}]},
             {"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found: Email","fields":["Email"]}]}]
            """
        guard case .perRecord(let outcomes) = SalesforceAnswer.classify(response(200, body), count: 3) else {
            Issue.record("expected per-record outcomes")
            return
        }
        #expect(outcomes[0] == .delivered)
        #expect(outcomes[1] == .retry(reason: "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record"))
        guard case .deadLetter(let reason, let headers) = outcomes[2] else {
            Issue.record("expected a dead letter")
            return
        }
        #expect(reason.contains("DUPLICATE_VALUE"))
        #expect(headers.contains(KafkaHeader("tributary.salesforce.status-code", "DUPLICATE_VALUE")))
        #expect(headers.contains(KafkaHeader("tributary.salesforce.fields", "Email")))
    }

    @Test func theDailyLimitOpensTheCircuitButTheConcurrencyLimitIsRetried() {
        let daily = response(403, #"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#)
        let concurrent = response(403, #"[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#)
        guard case .allowanceExhausted = SalesforceAnswer.classify(daily, count: 1) else {
            Issue.record("the daily limit must stop calls")
            return
        }
        guard case .retryBatch = SalesforceAnswer.classify(concurrent, count: 1) else {
            Issue.record("the concurrency limit passes: retry")
            return
        }
    }

    @Test func serverErrorsAreRetriedHonouringRetryAfterAndPermissionErrorsStopTheSink() {
        let unavailable = response(503, #"[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]"#, headers: ["retry-after": "7"])
        guard case .retryBatch(_, let retryAfter) = SalesforceAnswer.classify(unavailable, count: 2) else {
            Issue.record("503 must be retried")
            return
        }
        #expect(retryAfter == .seconds(7))
        guard case .fatal = SalesforceAnswer.classify(response(404, #"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"#), count: 1) else {
            Issue.record("an unknown sObject or field is a configuration error")
            return
        }
    }

    @Test func aMalformedRequestDeadLettersEveryRecordWithTheReason() {
        guard case .perRecord(let outcomes) = SalesforceAnswer.classify(response(400, #"[{"message":"Unexpected character","errorCode":"JSON_PARSER_ERROR"}]"#), count: 2) else {
            Issue.record("expected per-record outcomes")
            return
        }
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { if case .deadLetter(let reason, _) = $0 { reason.contains("JSON_PARSER_ERROR") } else { false } })
    }

    @Test func theLimitHeaderIsReadLeniently() {
        #expect(SalesforceLimitInfo(header: "api-usage=18/5000") == SalesforceLimitInfo(used: 18, limit: 5000))
        #expect(SalesforceLimitInfo(header: "per-app-api-usage=17/250(appName=Shop); api-usage = 4900/5000")?.fraction == 0.98)
        #expect(SalesforceLimitInfo(header: "api-usage=abc") == nil)
        #expect(SalesforceLimitInfo(header: "") == nil)
    }

    @Test func theJWTAssertionIsSignedRS256WithTheDocumentedClaims() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let jwt = try JWTBearerAssertion.make(clientID: "app", username: "u@example.com", audience: "https://login.salesforce.com", privateKey: key, now: now)
        let parts = jwt.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        func decode(_ part: String) -> Data {
            var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            return Data(base64Encoded: base64)!
        }
        #expect(try JSONValue(parsing: Array(decode(parts[0]))) == .object(["alg": "RS256"]))
        let claims = try JSONValue(parsing: Array(decode(parts[1])))
        #expect(claims["iss"] == "app" && claims["sub"] == "u@example.com" && claims["aud"] == "https://login.salesforce.com")
        let expiry = try #require(claims["exp"]?.int64Value)
        #expect(expiry > 1_800_000_000 && expiry <= 1_800_000_180, "at most three minutes ahead")
        let signature = _RSA.Signing.RSASignature(rawRepresentation: decode(parts[2]))
        #expect(key.publicKey.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func backoffGrowsExponentiallyUpToTheMaximumWithJitter() {
        let policy = BackoffPolicy(initial: .milliseconds(100), maximum: .seconds(2))
        #expect(policy.delay(attempt: 0, random: 1) == .milliseconds(100))
        #expect(policy.delay(attempt: 3, random: 1) == .milliseconds(800))
        #expect(policy.delay(attempt: 10, random: 1) == .seconds(2))
        #expect(policy.delay(attempt: 3, random: 0.5) == .milliseconds(400))
        #expect(policy.delay(attempt: 3, random: 0) == .milliseconds(1))
    }
}
