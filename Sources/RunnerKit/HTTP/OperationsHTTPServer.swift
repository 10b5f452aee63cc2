import HTTPServing
import Logging
import Prometheus
import StreamCore
import Topologies

/// The runner's HTTP endpoint for operators and analysts: `GET /metrics` (Prometheus text format),
/// `GET /health`, `GET /metadata` (every live instance of each application, with its endpoint and the
/// input partitions it processes), the interactive queries of ``StoreQueryRoutes`` — sent by a
/// ``QueryRouter`` to the instances holding their state: a key's query forwarded to the one holding
/// the key, a range gathered from all — and, when a topology has a `dashboard:`, the live page
/// `GET /dashboard` with its figures at `GET /dashboard/figures`. Other methods are answered 405.
/// With an ``HTTPAccessToken``, requests without it are answered 401.
struct OperationsHTTPServer: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let stores: QueryableStores
    private let dashboards: [Dashboard]
    private let accessToken: HTTPAccessToken?
    private let directory: InstanceDirectory

    /// Binds the address `configuration` names and returns the server, to run in the runner's service
    /// group. The API is GET only and takes no bodies: anything else is answered on its head (405, 413),
    /// before a body is read or the token checked.
    static func bind(
        _ configuration: HTTPServer.Configuration, registry: PrometheusCollectorRegistry, stores: QueryableStores, dashboards: [Dashboard],
        accessToken: HTTPAccessToken?, directory: InstanceDirectory, logger: Logger
    ) async throws -> HTTPServer {
        let routes = OperationsHTTPServer(registry: registry, stores: stores, dashboards: dashboards, accessToken: accessToken, directory: directory)
        var configuration = configuration
        configuration.allowedMethods = [.get]
        configuration.maximumBodySize = 0
        let server = try await HTTPServer.bind(configuration: configuration, logger: logger) { request in
            await routes.authorizedResponse(to: request)
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

    private func authorizedResponse(to request: HTTPRequest) async -> HTTPResponse {
        if let accessToken, !accessToken.permits(request) {
            var response = json(401, .object(["error": "this endpoint needs 'Authorization: Bearer TOKEN' (the runner's --http-token-file)"]))
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"tributary\""))
            return response
        }
        let router = QueryRouter(stores: stores, directory: directory)
        if request.method == .get, request.path.count == 3, request.path[0] == "stores", request.path[2] == "range" {
            return await rangeResponse(to: request, router: router)
        }
        if request.method == .get, request.path == ["dashboard", "figures"] {
            return await dashboardFigures(for: request, router: router)
        }
        if request.method == .get, request.path.count == 4, request.path[0] == "stores", ["keys", "windows"].contains(request.path[2]) {
            switch router.route(key: request.path[3], in: request.path[1]) {
            case .here:
                break
            case .instance(let owner) where request.header(QueryRouter.forwardedHeader) == nil:
                return await router.forward(request, to: owner)
            case .instance:
                return unavailable("the key moved to another instance while this query was forwarded here; retry shortly")
            case .unavailable(let reason):
                return unavailable(reason)
            }
        }
        return respond(to: request)
    }

    /// A range over the whole store, gathered from every instance holding part of it; a gathering
    /// instance's request is answered with the partitions it asked for, all of which must be here.
    private func rangeResponse(to request: HTTPRequest, router: QueryRouter) async -> HTTPResponse {
        let storeName = request.path[1]
        if request.header(QueryRouter.forwardedHeader) != nil {
            let partitions = QueryRouter.requestedPartitions(of: request)
            if let partitions, let store = try? stores.store(named: storeName), !partitions.isSubset(of: store.tasks.map { Int($0.partition) }) {
                return unavailable("part of store '\(storeName)' moved from this instance while the range was gathered; retry shortly")
            }
            return storeResponse(to: request, partitions: partitions)
        }
        switch router.holders(of: storeName) {
        case .failure(let missing):
            return unavailable(missing.reason)
        case .success(let holders) where holders.isEmpty:
            return storeResponse(to: request, partitions: nil)
        case .success(let holders):
            guard let local = StoreQueryRoutes.respond(path: request.path, query: request.query, stores: stores) else {
                return storeResponse(to: request, partitions: nil)
            }
            return await router.gatherRange(request, local: local, holders: holders)
        }
    }

    /// Every dashboard's figures. A panel over a whole key-value store (keyed by window start, say) shows
    /// entries gathered from every instance, as a range query is, so any instance draws the same page.
    private func dashboardFigures(for request: HTTPRequest, router: QueryRouter) async -> HTTPResponse {
        var entries: [String: Dashboard.StoreEntries] = [:]
        for store in Set(dashboards.flatMap(\.storesShownWhole)).sorted() {
            entries[store] = await gatheredEntries(of: store, for: request, router: router)
        }
        return json(200, .array(dashboards.map { $0.figures(from: stores, entries: entries) }))
    }

    /// The most entries a whole-store panel reads. Such a store is meant to stay small (a `ttl` bounds a
    /// store keyed by window start); one that outgrows this makes its panels say so rather than show
    /// the oldest entries as the newest.
    static let dashboardEntriesLimit = 10_000

    private func gatheredEntries(of store: String, for request: HTTPRequest, router: QueryRouter) async -> Dashboard.StoreEntries {
        let limit = Self.dashboardEntriesLimit
        let range = HTTPRequest(method: .get, uri: "/stores/\(store)/range?limit=\(limit + 1)", headers: request.headers)
        let response = await rangeResponse(to: range, router: router)
        let body = try? JSONValue(parsing: response.body)
        guard response.status == 200, case .array(let entries)? = body else {
            return .failure(Dashboard.GatheringFailure(body?["error"]?.stringValue ?? "store '\(store)' answered \(response.status)"))
        }
        guard entries.count <= limit else {
            return .failure(Dashboard.GatheringFailure("store '\(store)' holds more than \(limit) entries, too many for a panel without a 'key'; give it a ttl"))
        }
        return .success(entries.map { (key: $0["key"]?.stringValue ?? "", value: $0["value"] ?? .null) })
    }

    private func unavailable(_ reason: String) -> HTTPResponse {
        var response = json(503, .object(["error": .string(reason)]))
        response.headers.append(("Retry-After", "1"))
        return response
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
        case (.get, _):
            return storeResponse(to: request, partitions: nil)
        default:
            return json(405, .object(["error": "only GET is served"]))
        }
    }

    /// A store query answered from this instance's state (with `partitions`, theirs only).
    private func storeResponse(to request: HTTPRequest, partitions: Set<Int>?) -> HTTPResponse {
        guard let response = StoreQueryRoutes.respond(path: request.path, query: request.query, stores: stores, partitions: partitions) else {
            return json(404, .object(["error": "not found; try /stores, /metadata, /metrics or /health"]))
        }
        return json(response.status, response.body)
    }

    private func json(_ status: Int, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body.jsonBytes)
    }

    /// Which input partitions each application processes here and in every live instance, and which
    /// stores' tasks this instance holds.
    private func metadata() -> JSONValue {
        let assignments = stores.assignments
        return .object([
            "instance": .string(directory.instance),
            "applications": .array(assignments.keys.sorted().map { application in
                .object([
                    "application": .string(application),
                    "partitions": .array(assignments[application]!.map { .string("\($0)") }),
                    "instances": .array(directory.instances(of: application).map { instance in
                        .object([
                            "instance": .string(instance.instance), "endpoint": instance.endpoint.map(JSONValue.string) ?? .null,
                            "partitions": .array(instance.partitions.map { .string("\($0)") }),
                        ])
                    }),
                ])
            }),
            "stores": .array(stores.stores.filter { !$0.tasks.isEmpty }.map { store in
                .object(["name": .string(store.name), "tasks": .array(store.tasks.map { .string($0.description) })])
            }),
        ])
    }
}
