import Foundation
import StreamCore
#if canImport(FoundationNetworking)
import FoundationNetworking
import TributaryTestSupport
#endif

/// `runner dev-salesforce` in its own process, as the Salesforce sink's tests and developers run it,
/// with a small HTTP client for its endpoints.
final class TestDevSalesforce: Sendable {
    /// The base URL the stand-in printed, e.g. `http://127.0.0.1:43125`.
    let url: String
    private let child: ChildProcess

    /// A response as the tests inspect it: status, `Sforce-Limit-Info` and the body as JSON (`nil` if none).
    struct Response {
        var status: Int
        var limitInfo: String?
        var body: JSONValue?
    }

    /// Starts the stand-in with extra command-line `arguments` and waits for its URL line.
    init(_ arguments: [String] = []) throws {
        child = try ChildProcess(RunnerExecutable.path, ["dev-salesforce", "--log-level", "warning"] + arguments)
        url = child.firstLineOfOutput()
        guard url.hasPrefix("http://") else {
            throw TestFailure("runner dev-salesforce printed no URL (got '\(url)')")
        }
    }

    /// Stops the stand-in with SIGTERM and returns its exit status.
    @discardableResult
    func stop() -> Int32 { child.stop() }

    /// Sends `method path` with `body` (JSON text, or form fields when `contentType` says so).
    func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil,
              contentType: String = "application/json", headers: [String: String] = [:]) async throws -> Response {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Response(
            status: http.statusCode, limitInfo: http.value(forHTTPHeaderField: "Sforce-Limit-Info"),
            body: data.isEmpty ? nil : try? JSONValue(parsing: Array(data))
        )
    }

    /// A token by the client-credentials grant with the default credentials.
    func token() async throws -> String {
        let response = try await send("POST", "/services/oauth2/token", body: "grant_type=client_credentials&client_id=tributary-dev&client_secret=dev-secret",
                                      contentType: "application/x-www-form-urlencoded")
        guard let token = response.body?["access_token"]?.stringValue else { throw TestFailure("no token: \(String(describing: response.body))") }
        return token
    }

    /// A collections upsert of `records` (JSON objects, `attributes` added) into `sObject` by `externalIDField`.
    func upsert(_ records: [JSONValue], into sObject: String = "Contact", by externalIDField: String = "Customer_Id__c",
                allOrNone: Bool = false, token: String) async throws -> Response {
        try await send("PATCH", "/services/data/v60.0/composite/sobjects/\(sObject)/\(externalIDField)",
                       body: Self.collectionsBody(records, of: sObject, allOrNone: allOrNone), token: token)
    }

    /// A collections create (`POST composite/sobjects`) of `records`; those without `attributes` are of `sObject`.
    func create(_ records: [JSONValue], of sObject: String = "Contact", allOrNone: Bool = false, token: String) async throws -> Response {
        try await send("POST", "/services/data/v60.0/composite/sobjects", body: Self.collectionsBody(records, of: sObject, allOrNone: allOrNone), token: token)
    }

    /// A collections update by `Id` (`PATCH composite/sobjects`) of `records`; those without `attributes` are of `sObject`.
    func update(_ records: [JSONValue], of sObject: String = "Contact", allOrNone: Bool = false, token: String) async throws -> Response {
        try await send("PATCH", "/services/data/v60.0/composite/sobjects", body: Self.collectionsBody(records, of: sObject, allOrNone: allOrNone), token: token)
    }

    /// `{"allOrNone":…,"records":[…]}`, with `"attributes":{"type":sObject}` added to records that have none.
    private static func collectionsBody(_ records: [JSONValue], of sObject: String, allOrNone: Bool) -> String {
        let withType = records.map { record -> JSONValue in
            guard var fields = record.objectValue else { return record }
            if fields["attributes"] == nil { _ = fields.updateValue(["type": .string(sObject)], forKey: "attributes") }
            return .object(fields)
        }
        let body: JSONValue = ["allOrNone": .bool(allOrNone), "records": .array(withType)]
        return body.jsonString
    }

    /// The stand-in's records of `sObject` by key, polled until `isComplete` holds (or two minutes pass).
    func waitForRecords(of sObject: String, until isComplete: ([String: JSONValue]) -> Bool) async throws -> [String: JSONValue] {
        var records: [String: JSONValue] = [:]
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let body = try await send("GET", "/records/\(sObject)").body?.objectValue
            records = Dictionary(uniqueKeysWithValues: (body ?? [:]).map { ($0.key, $0.value) })
            if isComplete(records) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        return records
    }

    /// Replaces the fault script.
    func setFaults(_ script: String) async throws {
        let response = try await send("POST", "/dev/faults", body: script)
        guard response.status == 200 else { throw TestFailure("fault script refused: \(String(describing: response.body))") }
    }

    /// Whether a `record-error` fault with `fraction` fails `externalID`: the stand-in fails the ids whose
    /// 32-bit FNV-1a hash mod 10000 is below `fraction` × 10000 (computed here independently).
    static func failsByFraction(_ externalID: String, _ fraction: Double) -> Bool {
        let hash = externalID.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return Double(hash % 10_000) < fraction * 10_000
    }
}
