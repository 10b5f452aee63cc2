import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The runner's HTTP endpoint for operators: `GET /metrics` (Prometheus text format) and `GET /health`.
final class OperationsHTTPServer: Service {
    private let host: String
    private let port: Int
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger

    init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
    }

    /// Binds, serves until graceful shutdown, then closes the listening socket.
    func run() async throws {
        let registry = registry
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(OperationsRequestHandler(registry: registry))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.notice("serving GET /metrics and /health", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        try? await gracefulShutdown()
        try await channel.close()
    }
}

/// Answers one request per connection: operators' scrapers and probes, not a general web server.
private final class OperationsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let status: HTTPResponseStatus
        let body: [UInt8]
        let contentType: String
        switch (request.method, request.uri.split(separator: "?").first.map(String.init) ?? "") {
        case (.GET, "/metrics"):
            (status, body, contentType) = (.ok, registry.emitToBuffer(), "text/plain; version=0.0.4; charset=utf-8")
        case (.GET, "/health"):
            (status, body, contentType) = (.ok, Array("ok\n".utf8), "text/plain; charset=utf-8")
        default:
            (status, body, contentType) = (.notFound, Array("not found: try /metrics or /health\n".utf8), "text/plain; charset=utf-8")
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
