import Foundation
import HTTPServing
import Logging
import StreamCore

/// The stand-in's state and routing: sessions, records, API usage, the fault script and the request log,
/// behind one actor so that concurrent connections see one consistent org.
actor SalesforceStandIn {
    private let configuration: DevSalesforceConfiguration
    private let tokenEndpoint: TokenEndpoint
    private let logger: Logger
    private let orgID = SalesforceID.make(prefix: "00D", number: 1)
    private let userID = SalesforceID.make(prefix: "005", number: 1)
    /// Set once the server is bound, before anyone can know the port to call.
    private var baseURL = ""
    private var sessions = SessionTokens()
    private var records = RecordStore()
    private var faults: FaultScript
    private var apiRequestsUsed = 0
    private var requestLog = RequestLog()

    /// - Throws: ``DevSalesforceError`` for a public key or fault script that cannot be used.
    init(configuration: DevSalesforceConfiguration, logger: Logger) throws(DevSalesforceError) {
        self.configuration = configuration
        self.logger = logger
        tokenEndpoint = TokenEndpoint(
            clientID: configuration.clientID, clientSecret: configuration.clientSecret, username: configuration.username,
            jwtVerifier: try configuration.jwtPublicKeyPEM.map { pem throws(DevSalesforceError) in try JWTVerifier(publicKeyPEM: pem) }
        )
        do {
            faults = try configuration.faultScript.map { try FaultScript(parsing: $0, now: .now) } ?? FaultScript()
        } catch {
            throw DevSalesforceError(code: .invalidFaultScript, message: "fault script: \(error)")
        }
    }

    /// Records the URL clients reach the stand-in at: the `instance_url` handed out and a JWT audience.
    func listening(at baseURL: String) {
        self.baseURL = baseURL
    }

    /// Answers one request: Salesforce's endpoints under `/services`, the development ones elsewhere.
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch (request.method, request.path) {
        case (_, ["services", "oauth2", "token"]):
            let response = issueToken(request)
            logCall(request, status: response.status, records: nil)
            return response
        case (_, let path) where path.starts(with: ["services", "data"]):
            let (response, recordCount) = await dataCall(request)
            logCall(request, status: response.status, records: recordCount)
            return response
        case (.get, ["records"]):
            return json(200, records.json)
        case (.get, let path) where path.count == 2 && path[0] == "records":
            return json(200, records.json(of: path[1]))
        case (.get, ["requests"]):
            return json(200, requestLog.json)
        case (.post, ["dev", "faults"]):
            return replaceFaults(with: request.body)
        case (.delete, ["dev", "faults"]):
            faults = FaultScript()
            return json(200, ["faults": []])
        case (.get, ["dev", "health"]):
            return HTTPResponse(status: 200, text: "ok\n")
        default:
            return json(404, ["error": "not found; Salesforce's /services/oauth2/token and /services/data/..., or /records, /requests, /dev/faults, /dev/health"])
        }
    }

    private func issueToken(_ request: HTTPRequest) -> HTTPResponse {
        do throws(OAuthError) {
            try tokenEndpoint.checkGrant(request, baseURL: baseURL, now: Date())
        } catch {
            logger.notice("token request refused", metadata: ["error": "\(error.error)", "reason": "\(error.description)"])
            return json(400, error.body)
        }
        let token = sessions.issue(orgID: orgID, lifetime: configuration.tokenLifetime, now: .now)
        return json(200, [
            "access_token": .string(token), "instance_url": .string(baseURL),
            "id": .string("https://login.salesforce.com/id/\(orgID)/\(userID)"), "token_type": "Bearer",
            "issued_at": .string(String(Int64(Date().timeIntervalSince1970 * 1000))), "scope": "api",
        ])
    }

    /// Authentication, scripted faults, the daily limit, then the resource; every answer carries
    /// `Sforce-Limit-Info`. Only admitted calls count as API requests.
    private func dataCall(_ request: HTTPRequest) async -> (HTTPResponse, recordCount: Int?) {
        let response = await admittedDataCall(request)
        let limitInfo = (name: "Sforce-Limit-Info", value: "api-usage=\(apiRequestsUsed)/\(configuration.dailyRequestLimit)")
        var http = json(response.status, response.body)
        http.headers.append(limitInfo)
        return (http, response.recordCount)
    }

    private func admittedDataCall(_ request: HTTPRequest) async -> APIResponse {
        guard request.path.count >= 3, DataAPI.isVersion(request.path[2]) else { return APIResponse(.notFound) }
        guard let token = bearerToken(request), sessions.isValid(token, at: .now) else { return APIResponse(.invalidSession) }
        let delay: Duration
        switch faults.decideCall(at: .now) {
        case .fail(.invalidSession):
            sessions.invalidateAll()
            return APIResponse(.invalidSession)
        case .fail(.unavailable):
            return APIResponse(.serverUnavailable)
        case .fail(.requestLimit):
            return APIResponse(.dailyLimitExceeded)
        case .fail(.concurrentLimit):
            return APIResponse(.concurrentLimitExceeded)
        case .proceed(let scriptedDelay):
            delay = scriptedDelay
        }
        guard apiRequestsUsed < configuration.dailyRequestLimit else { return APIResponse(.dailyLimitExceeded) }
        apiRequestsUsed += 1
        if delay > .zero {
            // The actor is free meanwhile: other connections' calls go on, as on a slow org.
            try? await Task.sleep(for: delay)
        }
        return DataAPI.respond(method: request.method, resource: Array(request.path.dropFirst(3)), body: request.body, records: &records, faults: &faults)
    }

    /// The token of `Authorization: Bearer …` (Salesforce also accepts the older `OAuth …`).
    private func bearerToken(_ request: HTTPRequest) -> String? {
        guard let authorization = request.header("Authorization") else { return nil }
        for scheme in ["Bearer ", "OAuth "] where authorization.lowercased().hasPrefix(scheme.lowercased()) {
            return String(authorization.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    private func replaceFaults(with body: [UInt8]) -> HTTPResponse {
        do {
            faults = try FaultScript(parsing: try JSONValue(parsing: body), now: .now)
        } catch {
            return json(400, ["error": .string("\(error)")])
        }
        logger.info("fault script replaced")
        return json(200, ["faults": "set"])
    }

    private func logCall(_ request: HTTPRequest, status: Int, records: Int?) {
        let path = String(request.uri.prefix { $0 != "?" })
        requestLog.append(method: request.method.rawValue, path: path, status: status, records: records, at: Date())
        // Never the headers or body: they hold tokens, secrets and assertions.
        logger.info("\(request.method) \(path) \(status)")
    }

    private func json(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json;charset=UTF-8", body: body.jsonBytes)
    }
}
