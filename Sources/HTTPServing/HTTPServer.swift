import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP/1.1 server: each whole request goes to an async handler, whose response is written back.
///
/// Connections are kept alive between requests (clients such as URLSession reuse them) and requests on
/// different connections are handled concurrently. Bind with ``bind(configuration:logger:handler:)``,
/// which tells the port when 0 asked for a free one, then run the server in a `ServiceGroup`: graceful
/// shutdown closes the listening socket.
public final class HTTPServer: Service, Sendable {
    /// Answers one request. Called concurrently for requests on different connections.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    /// Where to listen and how much to accept.
    public struct Configuration: Sendable {
        /// The address to listen on.
        public var host = "127.0.0.1"
        /// The port to listen on; 0 picks a free one (see ``HTTPServer/port``).
        public var port = 0
        /// Larger request bodies are answered 413 without calling the handler: at once, without reading
        /// the body, when the request's `Content-Length` says so.
        public var maximumBodySize = 16 * 1024 * 1024
        /// The methods the handler answers; others get 405 (with `Allow`) at once, their body unread.
        /// `nil` hands every method to the handler.
        public var allowedMethods: Set<HTTPRequest.Method>?
        /// How long a connection may wait between requests (from when it opens, and from each
        /// response) before a new request starts; then it is closed.
        public var idleTimeout: Duration = .seconds(60)
        /// How long a request's head (request line and headers) may take to arrive once it has started;
        /// a client trickling headers is cut off.
        public var headerTimeout: Duration = .seconds(10)
        /// Connections open at once; one more is closed as soon as it is accepted.
        public var maximumConnections = 256

        public init(host: String = "127.0.0.1", port: Int = 0) {
            self.host = host
            self.port = port
        }
    }

    /// The address the server listens on, as configured.
    public let host: String
    /// The port the server listens on: the configured one, or the one picked when 0 was configured.
    public let port: Int
    private let channel: any Channel
    private let logger: Logger

    private init(host: String, port: Int, channel: any Channel, logger: Logger) {
        self.host = host
        self.port = port
        self.channel = channel
        self.logger = logger
    }

    /// Binds the listening socket and starts accepting connections, each request going to `handler`.
    ///
    /// - Throws: NIO's `IOError` when the address cannot be bound (port in use, unknown host).
    public static func bind(configuration: Configuration, logger: Logger, handler: @escaping Handler) async throws -> HTTPServer {
        let limits = HTTPRequestHandler.Limits(maximumBodySize: configuration.maximumBodySize, allowedMethods: configuration.allowedMethods)
        let timeouts = (idle: TimeAmount(configuration.idleTimeout), header: TimeAmount(configuration.headerTimeout))
        let open = NIOLockedValueBox(0)
        let maximumConnections = configuration.maximumConnections
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let admitted = open.withLockedValue { count in
                    guard count < maximumConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    logger.warning("HTTP connection refused: \(maximumConnections) are open already")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionTimeouts(idle: timeouts.idle, header: timeouts.header))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPRequestHandler(handler: handler, limits: limits))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = channel.localAddress?.port ?? configuration.port
        logger.debug("HTTP server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        return HTTPServer(host: configuration.host, port: port, channel: channel, logger: logger)
    }

    /// Serves until graceful shutdown (or cancellation), then closes the listening socket. Connections
    /// already open are not cut: they end when their clients close them or the process exits.
    public func run() async throws {
        try? await gracefulShutdown()
        logger.debug("HTTP server closing", metadata: ["port": "\(port)"])
        try await channel.close()
    }
}

extension TimeAmount {
    /// The same span, to the nanosecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
