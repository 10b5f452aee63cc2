import Foundation
import StreamCore
import Testing
import _CryptoExtras
import TributaryTestSupport

/// `runner dev-salesforce` over real HTTP: the Salesforce wire format the sink is written against,
/// errors and scripted faults included.
@Suite("runner dev-salesforce")
struct DevSalesforceTests {
    private static let form = "application/x-www-form-urlencoded"
    private static let collections = "/services/data/v60.0/composite/sobjects/Contact/Customer_Id__c"

    // MARK: - Authentication

    @Test func clientCredentialsGrantIssuesATokenAndAWrongSecretIsAnInvalidClient() async throws {
        let salesforce = try TestDevSalesforce()
        let granted = try await salesforce.send("POST", "/services/oauth2/token", body: "grant_type=client_credentials&client_id=tributary-dev&client_secret=dev-secret", contentType: Self.form)
        #expect(granted.status == 200)
        #expect(granted.body?["instance_url"] == .string(salesforce.url))
        #expect(granted.body?["token_type"] == "Bearer")
        #expect(granted.body?["id"]?.stringValue?.hasPrefix("https://login.salesforce.com/id/00D") == true)
        #expect(granted.body?["issued_at"]?.stringValue.flatMap { Int64($0) } != nil)
        #expect(granted.body?["access_token"]?.stringValue?.isEmpty == false)

        let basic = Data("tributary-dev:dev-secret".utf8).base64EncodedString()
        let byBasic = try await salesforce.send("POST", "/services/oauth2/token", body: "grant_type=client_credentials", contentType: Self.form, headers: ["Authorization": "Basic \(basic)"])
        #expect(byBasic.status == 200)

        let refused = try await salesforce.send("POST", "/services/oauth2/token", body: "grant_type=client_credentials&client_id=tributary-dev&client_secret=wrong", contentType: Self.form)
        #expect(refused.status == 400)
        #expect(refused.body == ["error": "invalid_client", "error_description": "invalid client credentials"])

        let unsupported = try await salesforce.send("POST", "/services/oauth2/token", body: "grant_type=password&username=x&password=y", contentType: Self.form)
        #expect(unsupported.status == 400)
        #expect(unsupported.body?["error"] == "unsupported_grant_type")
    }

    @Test func jwtBearerGrantChecksSignatureSubjectAndExpiry() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let temporary = TemporaryDirectory("dev-salesforce")
        let keyFile = URL(fileURLWithPath: temporary.appending("public-key.pem"))
        try key.publicKey.pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        let salesforce = try TestDevSalesforce(["--public-key-file", keyFile.path])
        let now = Int64(Date().timeIntervalSince1970)
        func grant(_ assertion: String) async throws -> TestDevSalesforce.Response {
            try await salesforce.send("POST", "/services/oauth2/token",
                                      body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)", contentType: Self.form)
        }

        let granted = try await grant(jwt(signedBy: key, subject: "integration@example.com", expiry: now + 120))
        #expect(granted.status == 200)
        let token = try #require(granted.body?["access_token"]?.stringValue)
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 200)

        let wrongUser = try await grant(jwt(signedBy: key, subject: "someone@example.com", expiry: now + 120))
        #expect(wrongUser.status == 400)
        #expect(wrongUser.body?["error"] == "invalid_grant")

        let expired = try await grant(jwt(signedBy: key, subject: "integration@example.com", expiry: now - 120))
        #expect(expired.body == ["error": "invalid_grant", "error_description": "expired authorization code"])

        let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let forged = try await grant(jwt(signedBy: otherKey, subject: "integration@example.com", expiry: now + 120))
        #expect(forged.body == ["error": "invalid_grant", "error_description": "invalid assertion"])

        let wrongAudience = try await grant(jwt(signedBy: key, subject: "integration@example.com", expiry: now + 120, audience: "https://example.com"))
        #expect(wrongAudience.body == ["error": "invalid_grant", "error_description": "audience is invalid"])
    }

    @Test func dataCallsWithoutAValidTokenAreInvalidSession() async throws {
        let salesforce = try TestDevSalesforce()
        for token in [nil, "00Dbogus!AQ"] {
            let response = try await salesforce.send("PATCH", Self.collections, body: #"{"records":[]}"#, token: token)
            #expect(response.status == 401)
            #expect(response.body == [["message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"]])
            #expect(response.limitInfo == "api-usage=0/100000")
        }
    }

    @Test func tokensExpireAfterTheirLifetime() async throws {
        // Only the expiry is timed (a loaded machine may take seconds to answer; that tokens work
        // before expiry, every other test shows).
        let salesforce = try TestDevSalesforce(["--token-lifetime-seconds", "2"])
        let token = try await salesforce.token()
        try await Task.sleep(for: .milliseconds(2200))
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 401)
    }

    // MARK: - Writing records

    @Test func collectionsUpsertCreatesThenUpdatesMergingFields() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let created = try await salesforce.upsert([
            ["Customer_Id__c": "C1", "Email": "ann@example.com", "LastName": "Ann"],
            ["Customer_Id__c": "C2", "Email": "bob@example.com", "Account": ["Customer_Id__c": "A1"]],
        ], token: token)
        #expect(created.status == 200)
        let results = try #require(created.body?.arrayValue)
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["success"] == true && $0["created"] == true && $0["errors"] == [] })
        let id = try #require(results[0]["id"]?.stringValue)
        #expect(id.hasPrefix("003") && id.count == 18)

        let updated = try await salesforce.upsert([["Customer_Id__c": "C1", "Email": "ann@shop.example"]], token: token)
        #expect(updated.body == [["id": .string(id), "success": true, "errors": [], "created": false]])

        let contacts = try await salesforce.send("GET", "/records/Contact")
        #expect(contacts.body?["C1"] == ["Id": .string(id), "Customer_Id__c": "C1", "Email": "ann@shop.example", "LastName": "Ann"])
        #expect(contacts.body?["C2"]?["Account"] == ["Customer_Id__c": "A1"])
        let all = try await salesforce.send("GET", "/records")
        #expect(all.body?["Contact"] == contacts.body)
    }

    @Test func invalidRecordsFailOneByOneAndAllOrNoneRollsTheOthersBack() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let records: [JSONValue] = [
            ["Customer_Id__c": "C1"],
            ["attributes": ["type": "Account"], "Customer_Id__c": "C2"],
            ["Email": "no-id@example.com"],
            ["Customer_Id__c": "C4", "Id": "003000000000001AAA"],
        ]
        let partial = try await salesforce.upsert(records, token: token)
        let results = try #require(partial.body?.arrayValue)
        #expect(results.map { $0["success"] } == [true, false, false, false])
        #expect(results.dropFirst().map { $0["errors"]?[0]?["statusCode"] } == ["INVALID_TYPE", "REQUIRED_FIELD_MISSING", "INVALID_FIELD"])
        #expect(results[2]["errors"]?[0]?["fields"] == ["Customer_Id__c"])
        #expect(results[1]["id"] == nil)

        let rolledBack = try await salesforce.upsert([["Customer_Id__c": "C9"], ["Email": "no-id@example.com"]], allOrNone: true, token: token)
        #expect(rolledBack.body?[0]?["errors"]?[0]?["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK")
        #expect(rolledBack.body?[1]?["errors"]?[0]?["statusCode"] == "REQUIRED_FIELD_MISSING")
        #expect(try await salesforce.send("GET", "/records/Contact").body?["C9"] == nil)
    }

    @Test func malformedAndOversizedCallsAreRefusedWhole() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let tooMany = try await salesforce.upsert((0...200).map { ["Customer_Id__c": .string("C\($0)")] }, token: token)
        #expect(tooMany.status == 400)
        #expect(tooMany.body?[0]?["errorCode"] == "EXCEEDED_ID_LIMIT")
        let malformed = try await salesforce.send("PATCH", Self.collections, body: #"{"records":[{"#, token: token)
        #expect(malformed.status == 400)
        #expect(malformed.body?[0]?["errorCode"] == "JSON_PARSER_ERROR")
        #expect(try await salesforce.send("GET", "/records").body == [:])
    }

    @Test func singleUpsertAnswers201OnInsertAnd200OnUpdate() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let path = "/services/data/v60.0/sobjects/Case/Inquiry_Id__c/I-1"
        let inserted = try await salesforce.send("PATCH", path, body: #"{"Subject":"Late parcel","Contact":{"Customer_Id__c":"C1"}}"#, token: token)
        #expect(inserted.status == 201)
        let id = try #require(inserted.body?["id"]?.stringValue)
        #expect(id.hasPrefix("500"))
        #expect(inserted.body?["created"] == true)
        let updated = try await salesforce.send("PATCH", path, body: #"{"Status":"New"}"#, token: token)
        #expect(updated.status == 200)
        #expect(updated.body == ["id": .string(id), "success": true, "errors": [], "created": false])
        let cases = try await salesforce.send("GET", "/records/Case")
        #expect(cases.body?["I-1"] == ["Id": .string(id), "Subject": "Late parcel", "Contact": ["Customer_Id__c": "C1"], "Inquiry_Id__c": "I-1", "Status": "New"])
    }

    @Test func compositeRunsSubrequestsInOrderAsOneAPIRequest() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let body = """
            {"allOrNone":false,"compositeRequest":[
              {"method":"PATCH","url":"/services/data/v60.0/sobjects/Contact/Customer_Id__c/C1","referenceId":"contact","body":{"LastName":"Ann"}},
              {"method":"PATCH","url":"/services/data/v60.0/sobjects/Case/Inquiry_Id__c/I-1","referenceId":"case","body":{"ContactId":"@{contact.id}"}},
              {"method":"PATCH","url":"/services/data/v60.0/composite/sobjects/Contact/Customer_Id__c","referenceId":"more","body":{"records":[{"attributes":{"type":"Contact"},"Customer_Id__c":"C2"}]}}
            ]}
            """
        let response = try await salesforce.send("POST", "/services/data/v60.0/composite", body: body, token: token)
        #expect(response.status == 200)
        #expect(response.limitInfo == "api-usage=1/100000")
        let subresponses = try #require(response.body?["compositeResponse"]?.arrayValue)
        #expect(subresponses.map { $0["httpStatusCode"] } == [201, 201, 200])
        #expect(subresponses.map { $0["referenceId"] } == ["contact", "case", "more"])
        #expect(subresponses[0]["httpHeaders"] == [:])
        let contactID = try #require(subresponses[0]["body"]?["id"])
        #expect(try await salesforce.send("GET", "/records/Case").body?["I-1"]?["ContactId"] == contactID)
        #expect(subresponses[2]["body"]?[0]?["created"] == true)
    }

    // MARK: - Create and update

    @Test func collectionsCreateStoresRecordsOfAnyTypeUnderTheirNewIds() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let created = try await salesforce.create([
            ["attributes": ["type": "Case"], "Subject": "Late parcel", "Description": "Order 17 has not arrived"],
            ["LastName": "Ann", "Email": "ann@example.com"],
            ["Subject": "no type", "attributes": [:]],
            ["LastName": "Bob", "Id": "003000000000001AAA"],
        ], token: token)
        #expect(created.status == 200)
        #expect(created.limitInfo == "api-usage=1/100000")
        let results = try #require(created.body?.arrayValue)
        let caseID = try #require(results[0]["id"]?.stringValue)
        let contactID = try #require(results[1]["id"]?.stringValue)
        #expect(caseID.hasPrefix("500") && caseID.count == 18 && contactID.hasPrefix("003"))
        // A create's result has no `created` (only upserts say).
        #expect(results[0] == ["id": .string(caseID), "success": true, "errors": []])
        #expect(results[2] == ["success": false, "errors": [["statusCode": "INVALID_TYPE", "message": "Must send a concrete entity type.", "fields": []]]])
        #expect(results[3] == ["success": false, "errors": [["statusCode": "INVALID_FIELD", "message": "cannot specify Id in an insert call", "fields": ["Id"]]]])

        // Without an external id, a created record is keyed by its Id.
        #expect(try await salesforce.send("GET", "/records/Case").body == [
            caseID: ["Id": .string(caseID), "Subject": "Late parcel", "Description": "Order 17 has not arrived"],
        ])
        #expect(try await salesforce.send("GET", "/records").body?["Contact"]?[contactID] == ["Id": .string(contactID), "LastName": "Ann", "Email": "ann@example.com"])
        let log = try #require(try await salesforce.send("GET", "/requests").body?.arrayValue)
        #expect(log.last?["method"] == "POST" && log.last?["path"] == "/services/data/v60.0/composite/sobjects" && log.last?["records"] == 4)
    }

    @Test func collectionsUpdateMergesFieldsIntoRecordsFoundByIdHoweverTheyAreKeyed() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let upserted = try await salesforce.upsert([["Customer_Id__c": "C1", "LastName": "Ann", "Email": "ann@example.com"]], token: token)
        let contactID = try #require(upserted.body?[0]?["id"]?.stringValue)
        let created = try await salesforce.create([["Subject": "Late parcel", "Status": "New"]], of: "Case", token: token)
        let caseID = try #require(created.body?[0]?["id"]?.stringValue)

        let updated = try await salesforce.update([
            ["Id": .string(contactID), "Email": "ann@shop.example"],
            ["attributes": ["type": "Case"], "Id": .string(caseID), "Status": "Closed"],
            ["Email": "nobody@example.com"],
            ["Id": "003000000000999AAA", "Email": "ghost@example.com"],
            // An Id of another sObject names no Contact.
            ["Id": .string(caseID), "Email": "case@example.com"],
        ], token: token)
        #expect(updated.status == 200)
        let results = try #require(updated.body?.arrayValue)
        #expect(results[0] == ["id": .string(contactID), "success": true, "errors": []])
        #expect(results[1] == ["id": .string(caseID), "success": true, "errors": []])
        #expect(results[2] == ["success": false, "errors": [["statusCode": "MISSING_ARGUMENT", "message": "Id not specified in an update call", "fields": []]]])
        #expect(results[3] == ["success": false, "errors": [["statusCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id", "fields": []]]])
        #expect(results[4]["errors"]?[0]?["statusCode"] == "INVALID_CROSS_REFERENCE_KEY")

        // Fields sent overwrite, the others stay; each record stays under its key.
        let contacts = try await salesforce.send("GET", "/records/Contact").body
        #expect(contacts == ["C1": ["Id": .string(contactID), "Customer_Id__c": "C1", "LastName": "Ann", "Email": "ann@shop.example"]])
        #expect(try await salesforce.send("GET", "/records/Case").body?[caseID] == ["Id": .string(caseID), "Subject": "Late parcel", "Status": "Closed"])
        let log = try #require(try await salesforce.send("GET", "/requests").body?.arrayValue)
        #expect(log.last?["method"] == "PATCH" && log.last?["path"] == "/services/data/v60.0/composite/sobjects" && log.last?["records"] == 5)
    }

    @Test func createAndUpdateRollBackWithAllOrNoneAndRefuseOversizedOrMalformedCalls() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let contactID = try #require(try await salesforce.create([["LastName": "Ann"]], token: token).body?[0]?["id"])

        let create = try await salesforce.create([["LastName": "Bob"], ["LastName": "Cy", "Id": contactID]], allOrNone: true, token: token)
        #expect(create.body?.arrayValue?.map { $0["errors"]?[0]?["statusCode"] } == ["ALL_OR_NONE_OPERATION_ROLLED_BACK", "INVALID_FIELD"])
        let update = try await salesforce.update([["Id": contactID, "LastName": "Annie"], ["LastName": "Cy"]], allOrNone: true, token: token)
        #expect(update.body?.arrayValue?.map { $0["errors"]?[0]?["statusCode"] } == ["ALL_OR_NONE_OPERATION_ROLLED_BACK", "MISSING_ARGUMENT"])
        let stored = try #require(try await salesforce.send("GET", "/records/Contact").body?.objectValue)
        #expect(stored.count == 1 && stored.first?.value["LastName"] == "Ann", "nothing written by the rolled-back calls")

        let tooManyCreates = try await salesforce.create((0...200).map { ["LastName": .string("L\($0)")] }, token: token)
        let tooManyUpdates = try await salesforce.update((0...200).map { _ in ["Id": contactID] }, token: token)
        for tooMany in [tooManyCreates, tooManyUpdates] {
            #expect(tooMany.status == 400)
            #expect(tooMany.body?[0]?["errorCode"] == "EXCEEDED_ID_LIMIT")
        }
        for method in ["POST", "PATCH"] {
            let malformed = try await salesforce.send(method, "/services/data/v60.0/composite/sobjects", body: #"{"records":[{"#, token: token)
            #expect(malformed.status == 400)
            #expect(malformed.body?[0]?["errorCode"] == "JSON_PARSER_ERROR")
        }
        #expect(try await salesforce.send("PUT", "/services/data/v60.0/composite/sobjects", body: #"{"records":[]}"#, token: token).status == 405)
        let log = try #require(try await salesforce.send("GET", "/requests").body?.arrayValue)
        #expect(log.filter { $0["status"] == 400 }.map { $0["records"] } == [201, 201, nil, nil])
    }

    @Test func createAndUpdateCountAsAPIRequestsAndMeetScriptedFaults() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"request-limit","count":1}]}"#)
        let limited = try await salesforce.create([["LastName": "Ann"]], token: token)
        #expect(limited.status == 403)
        #expect(limited.body?[0]?["errorCode"] == "REQUEST_LIMIT_EXCEEDED")

        // Created records have no external id: `externalIds` and `fraction` never match them, while a
        // fault naming neither fails every record until its `count` is used up.
        try await salesforce.setFaults("""
            {"faults":[{"kind":"record-error","statusCode":"DUPLICATE_VALUE","externalIds":["L0"]},
                       {"kind":"record-error","statusCode":"DUPLICATE_VALUE","fraction":1},
                       {"kind":"record-error","statusCode":"UNABLE_TO_LOCK_ROW","count":1}]}
            """)
        let names = (0..<20).map { "L\($0)" }
        let created = try await salesforce.create(names.map { ["LastName": .string($0)] }, token: token)
        #expect(created.limitInfo == "api-usage=1/100000")
        let results = try #require(created.body?.arrayValue)
        #expect(results.map { $0["errors"]?[0]?["statusCode"] } == ["UNABLE_TO_LOCK_ROW"] + Array(repeating: nil, count: 19))
        let ids = results.dropFirst().compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 19)

        // For an update they match on the record's Id.
        let failedByFraction = Set(ids.dropFirst().filter { TestDevSalesforce.failsByFraction($0, 0.5) })
        #expect(!failedByFraction.isEmpty && failedByFraction.count < 18, "the ids are fixed, so is the split")
        try await salesforce.setFaults("""
            {"faults":[{"kind":"record-error","statusCode":"INVALID_FIELD","externalIds":["\(ids[0])"]},
                       {"kind":"record-error","statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fraction":0.5}]}
            """)
        let updated = try await salesforce.update(ids.map { ["Id": .string($0), "Email": "new@example.com"] }, token: token)
        #expect(updated.limitInfo == "api-usage=2/100000")
        let codes = Dictionary(uniqueKeysWithValues: zip(ids, try #require(updated.body?.arrayValue)).compactMap { id, result in
            result["errors"]?[0]?["statusCode"]?.stringValue.map { (id, $0) }
        })
        #expect(codes[ids[0]] == "INVALID_FIELD")
        #expect(Set(codes.filter { $0.value == "FIELD_CUSTOM_VALIDATION_EXCEPTION" }.keys) == failedByFraction)
        let contacts = try #require(try await salesforce.send("GET", "/records/Contact").body?.objectValue)
        #expect(Set(contacts.filter { $0.value["Email"] == "new@example.com" }.map(\.key)) == Set(ids.dropFirst()).subtracting(failedByFraction))
    }

    // MARK: - Limits

    @Test func limitInfoCountsAPIRequestsAndTheDailyLimitRefusesFurtherCalls() async throws {
        let salesforce = try TestDevSalesforce(["--daily-limit", "2"])
        let token = try await salesforce.token()
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).limitInfo == "api-usage=1/2")
        #expect(try await salesforce.upsert([["Customer_Id__c": "C2"]], token: token).limitInfo == "api-usage=2/2")
        let refused = try await salesforce.upsert([["Customer_Id__c": "C3"]], token: token)
        #expect(refused.status == 403)
        #expect(refused.body == [["message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"]])
        #expect(refused.limitInfo == "api-usage=2/2")
    }

    // MARK: - Scripted faults

    @Test func invalidSessionFaultEndsTheSessionUntilTheClientReauthenticates() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"invalid-session","count":1}]}"#)
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 401)
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 401)
        let fresh = try await salesforce.token()
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: fresh).status == 200)
    }

    @Test func unavailableFaultAnswers503ForItsSecondsThenRecovers() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"unavailable","seconds":5}]}"#)
        let unavailable = try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token)
        #expect(unavailable.status == 503)
        #expect(unavailable.body?[0]?["errorCode"] == "SERVER_UNAVAILABLE")
        #expect(try await salesforce.send("GET", "/records").body == [:])
        try await Task.sleep(for: .milliseconds(5200))
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 200)
    }

    @Test func limitFaultsAnswer403WithTheDailyOrConcurrentMessage() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"request-limit","count":1},{"kind":"concurrent-limit","count":2}]}"#)
        let daily = try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token)
        #expect(daily.status == 403)
        #expect(daily.body == [["message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"]])
        for _ in 0..<2 {
            let concurrent = try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token)
            #expect(concurrent.status == 403)
            #expect(concurrent.body?[0]?["errorCode"] == "REQUEST_LIMIT_EXCEEDED")
            #expect(concurrent.body?[0]?["message"]?.stringValue?.hasPrefix("ConcurrentPerOrgLongTxn Limit exceeded") == true)
        }
        let passed = try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token)
        #expect(passed.status == 200)
        #expect(passed.limitInfo == "api-usage=1/100000")
    }

    @Test func slowFaultDelaysTheNextCalls() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"slow","milliseconds":300,"count":1}]}"#)
        let started = ContinuousClock.now
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    @Test func recordErrorFaultsFailChosenRecordsWithTheirStatusCode() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        let ids = (0..<200).map { "C\($0)" }
        // The ids a 5% fraction fails are those whose FNV-1a hash mod 10000 is below 500.
        let failedByFraction = Set(ids.filter { TestDevSalesforce.failsByFraction($0, 0.05) })
        try await salesforce.setFaults("""
            {"faults":[{"kind":"record-error","statusCode":"INVALID_FIELD","externalIds":["C7"]},
                       {"kind":"record-error","statusCode":"DUPLICATE_VALUE","fraction":0.05},
                       {"kind":"record-error","statusCode":"UNABLE_TO_LOCK_ROW","count":1}]}
            """)
        for _ in 0..<2 {
            let response = try await salesforce.upsert(ids.map { ["Customer_Id__c": .string($0)] }, token: token)
            let results = try #require(response.body?.arrayValue)
            let codes = Dictionary(uniqueKeysWithValues: zip(ids, results).compactMap { id, result in
                result["errors"]?[0]?["statusCode"]?.stringValue.map { (id, $0) }
            })
            #expect(codes["C7"] == "INVALID_FIELD")
            #expect(Set(codes.filter { $0.value == "DUPLICATE_VALUE" }.keys) == failedByFraction.subtracting(["C7"]))
            #expect(codes.values.filter { $0 == "UNABLE_TO_LOCK_ROW" }.count <= 1)
        }
        let recordsCount = try await salesforce.send("GET", "/records/Contact").body?.objectValue?.count
        #expect(recordsCount == 200 - failedByFraction.union(["C7"]).count)
    }

    @Test func countedRecordErrorsSucceedOnRetry() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        try await salesforce.setFaults(#"{"faults":[{"kind":"record-error","statusCode":"UNABLE_TO_LOCK_ROW","count":2}]}"#)
        let first = try await salesforce.upsert([["Customer_Id__c": "C1"], ["Customer_Id__c": "C2"], ["Customer_Id__c": "C3"]], token: token)
        #expect(first.body?.arrayValue?.map { $0["success"] } == [false, false, true])
        #expect(first.body?[0]?["errors"]?[0]?["message"]?.stringValue?.hasPrefix("unable to obtain exclusive access") == true)
        let retry = try await salesforce.upsert([["Customer_Id__c": "C1"], ["Customer_Id__c": "C2"]], token: token)
        #expect(retry.body?.arrayValue?.map { $0["success"] } == [true, true])
    }

    @Test func faultScriptsComeFromAFileAndBadOnesAreRefused() async throws {
        let temporary = TemporaryDirectory("dev-salesforce-faults")
        let file = URL(fileURLWithPath: temporary.appending("faults.json"))
        try #"{"faults":[{"kind":"request-limit","count":1}]}"#.write(to: file, atomically: true, encoding: .utf8)
        let salesforce = try TestDevSalesforce(["--faults", file.path])
        let token = try await salesforce.token()
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 403)
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 200)

        let refused = try await salesforce.send("POST", "/dev/faults", body: #"{"faults":[{"kind":"meteor-strike"}]}"#)
        #expect(refused.status == 400)
        #expect(refused.body?["error"]?.stringValue?.contains("meteor-strike") == true)
        try await salesforce.setFaults(#"{"faults":[{"kind":"request-limit","count":5}]}"#)
        #expect(try await salesforce.send("DELETE", "/dev/faults").status == 200)
        #expect(try await salesforce.upsert([["Customer_Id__c": "C1"]], token: token).status == 200)
    }

    // MARK: - Inspection

    @Test func requestLogListsCallsWithStatusAndRecordCount() async throws {
        let salesforce = try TestDevSalesforce()
        let token = try await salesforce.token()
        _ = try await salesforce.upsert([["Customer_Id__c": "C1"], ["Customer_Id__c": "C2"]], token: token)
        _ = try await salesforce.upsert([], token: "expired")
        let log = try #require(try await salesforce.send("GET", "/requests").body?.arrayValue)
        #expect(log.map { $0["method"] } == ["POST", "PATCH", "PATCH"])
        #expect(log.map { $0["path"] } == ["/services/oauth2/token", .string(Self.collections), .string(Self.collections)])
        #expect(log.map { $0["status"] } == [200, 200, 401])
        #expect(log[1]["records"] == 2)
        #expect(log.allSatisfy { $0["at"]?.stringValue?.hasSuffix("Z") == true })
        #expect(try await salesforce.send("GET", "/dev/health").status == 200)
        #expect(salesforce.stop() == 0)
    }

    // MARK: - Helpers

    /// A JWT-bearer assertion signed RS256 by `key`, as the sink mints one.
    private func jwt(signedBy key: _RSA.Signing.PrivateKey, subject: String, expiry: Int64, audience: String = "https://login.salesforce.com") throws -> String {
        let header = base64URL(Data(#"{"alg":"RS256"}"#.utf8))
        let claims: JSONValue = ["iss": "tributary-dev", "sub": .string(subject), "aud": .string(audience), "exp": .int(expiry)]
        let signingInput = header + "." + base64URL(Data(claims.jsonBytes))
        let signature = try key.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    private func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
