import HTTPServing
import Logging
import Prometheus
import StreamCore
import Topologies

/// The runner's HTTP endpoint for operators and analysts: `GET /metrics` (Prometheus text format),
/// `GET /health`, `GET /metadata` (which input partitions this instance processes), the interactive
/// queries of ``StoreQueryRoutes``, and — when a topology has a `dashboard:` — the live page
/// `GET /dashboard` with its figures at `GET /dashboard/figures`. Other methods are answered 405.
/// With an ``HTTPAccessToken``, requests without it are answered 401.
struct OperationsHTTPServer: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let stores: QueryableStores
    private let dashboards: [Dashboard]
    private let accessToken: HTTPAccessToken?

    /// Binds `host:port` and returns the server, to run in the runner's service group.
    static func bind(
        host: String, port: Int, registry: PrometheusCollectorRegistry, stores: QueryableStores, dashboards: [Dashboard],
        accessToken: HTTPAccessToken?, logger: Logger
    ) async throws -> HTTPServer {
        let routes = OperationsHTTPServer(registry: registry, stores: stores, dashboards: dashboards, accessToken: accessToken)
        let server = try await HTTPServer.bind(configuration: .init(host: host, port: port), logger: logger) { request in
            routes.authorizedResponse(to: request)
        }
        logger.notice("serving GET /stores, /metadata, /metrics and /health", metadata: [
            "address": "\(server.host):\(server.port)", "access": "\(accessToken == nil ? "open" : "bearer token required (except /health)")",
        ])
        if !dashboards.isEmpty {
            // The token itself is never logged: whoever opens the page appends it.
            logger.notice("dashboard: \(dashboardURL(of: server))\(accessToken == nil ? "" : "#token=YOUR_TOKEN")")
        }
        return server
    }

    /// Where `server` serves the dashboard page, as a browser on this machine reaches it.
    static func dashboardURL(of server: HTTPServer) -> String {
        "http://\(server.host == "0.0.0.0" ? "127.0.0.1" : server.host):\(server.port)/dashboard"
    }

    private func authorizedResponse(to request: HTTPRequest) -> HTTPResponse {
        if let accessToken, !accessToken.permits(request) {
            var response = json(401, .object(["error": "this endpoint needs 'Authorization: Bearer TOKEN' (the runner's --http-token-file)"]))
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"tributary\""))
            return response
        }
        return respond(to: request)
    }

    private func respond(to request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case (.get, ["metrics"]):
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
        case (.get, ["health"]):
            return HTTPResponse(status: 200, text: "ok\n")
        case (.get, ["metadata"]):
            return json(200, metadata())
        case (.get, ["dashboard"]) where !dashboards.isEmpty:
            return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(DashboardPage.html.utf8))
        case (.get, ["dashboard", "figures"]):
            return json(200, .array(dashboards.map { $0.figures(from: stores) }))
        case (.get, _):
            guard let response = StoreQueryRoutes.respond(path: request.path, query: request.query, stores: stores) else {
                return json(404, .object(["error": "not found; try /stores, /metadata, /metrics or /health"]))
            }
            return json(response.status, response.body)
        default:
            return json(405, .object(["error": "only GET is served"]))
        }
    }

    private func json(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body.jsonBytes)
    }

    /// Which input partitions each application processes here, and which stores' tasks it holds.
    private func metadata() -> JSONValue {
        let assignments = stores.assignments
        return .object([
            "applications": .array(assignments.keys.sorted().map { application in
                .object([
                    "application": .string(application),
                    "partitions": .array(assignments[application]!.map { .string("\($0.topic)-\($0.partition)") }),
                ])
            }),
            "stores": .array(stores.stores.filter { !$0.tasks.isEmpty }.map { store in
                .object(["name": .string(store.name), "tasks": .array(store.tasks.map { .string($0.description) })])
            }),
        ])
    }
}
