import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import StreamCore

/// The runner's HTTP endpoint for operators and analysts: `GET /metrics` (Prometheus text format),
/// `GET /health`, `GET /metadata` (which input partitions this instance processes) and the interactive
/// queries of ``StoreQueryRoutes``.
final class OperationsHTTPServer: Service {
    private let host: String
    private let port: Int
    private let registry: PrometheusCollectorRegistry
    private let stores: QueryableStores
    private let logger: Logger

    init(host: String, port: Int, registry: PrometheusCollectorRegistry, stores: QueryableStores, logger: Logger) {
        self.host = host
        self.port = port
        self.registry = registry
        self.stores = stores
        self.logger = logger
    }

    /// Binds, serves until graceful shutdown, then closes the listening socket.
    func run() async throws {
        let (registry, stores) = (registry, stores)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(OperationsRequestHandler(registry: registry, stores: stores))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.notice("serving GET /stores, /metadata, /metrics and /health", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        try? await gracefulShutdown()
        try await channel.close()
    }
}

/// Answers one request per connection: operators' scrapers and probes, not a general web server.
private final class OperationsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let stores: QueryableStores

    init(registry: PrometheusCollectorRegistry, stores: QueryableStores) {
        self.registry = registry
        self.stores = stores
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let status: HTTPResponseStatus
        let body: [UInt8]
        let contentType: String
        let target = RequestTarget(request.uri)
        let json = "application/json"
        switch (request.method, target.path) {
        case (.GET, ["metrics"]):
            (status, body, contentType) = (.ok, registry.emitToBuffer(), "text/plain; version=0.0.4; charset=utf-8")
        case (.GET, ["health"]):
            (status, body, contentType) = (.ok, Array("ok\n".utf8), "text/plain; charset=utf-8")
        case (.GET, ["metadata"]):
            (status, body, contentType) = (.ok, JSONSerializer.serialize(metadata()), json)
        case (.GET, _):
            if let response = StoreQueryRoutes.respond(path: target.path, query: target.query, stores: stores) {
                (status, body, contentType) = (HTTPResponseStatus(statusCode: response.status), JSONSerializer.serialize(response.body), json)
            } else {
                (status, body, contentType) = (.notFound, JSONSerializer.serialize(.object(["error": "not found; try /stores, /metadata, /metrics or /health"])), json)
            }
        default:
            (status, body, contentType) = (.methodNotAllowed, JSONSerializer.serialize(.object(["error": "only GET is served"])), json)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in boundContext.value.close(promise: nil) }
    }
}

extension OperationsRequestHandler {
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
