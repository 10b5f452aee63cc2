import NIOCore
import NIOHTTP1

/// The per-connection NIO handler: collects each request's head and body parts into an ``HTTPRequest``,
/// runs the server's async handler on it and writes the ``HTTPResponse`` back.
///
/// Sits behind NIO's `HTTPServerPipelineHandler`, which hands over one request at a time per connection
/// and holds pipelined ones back until the previous response has ended, so responses keep request order.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Head read; body bytes so far.
        case collecting(HTTPRequestHead, [UInt8])
        /// The body outgrew the limit: the rest is read and dropped, then 413 is answered.
        case discardingOversizedBody(HTTPRequestHead)
        /// The handler is working on the request.
        case responding
    }

    private let handler: HTTPServer.Handler
    private let maximumBodySize: Int
    private var state = State.idle

    init(handler: @escaping HTTPServer.Handler, maximumBodySize: Int) {
        self.handler = handler
        self.maximumBodySize = maximumBodySize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            state = .collecting(head, [])
        case .body(let buffer):
            guard case .collecting(let head, var body) = state else { return }
            // Released first so that appending does not copy the bytes collected so far.
            state = .idle
            if body.count + buffer.readableBytes > maximumBodySize {
                state = .discardingOversizedBody(head)
            } else {
                body.append(contentsOf: buffer.readableBytesView)
                state = .collecting(head, body)
            }
        case .end:
            switch state {
            case .collecting(let head, let body):
                state = .responding
                respond(to: head, body: body, context: context)
            case .discardingOversizedBody(let head):
                state = .responding
                write(HTTPResponse(status: 413, text: "request body larger than \(maximumBodySize) bytes\n"), answering: head, context: context)
            case .idle, .responding:
                break
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let request = HTTPRequest(
            method: HTTPRequest.Method(rawValue: head.method.rawValue), uri: head.uri,
            headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body
        )
        let handler = handler
        context.eventLoop.makeFutureWithTask { await handler(request) }
            .assumeIsolated()
            .whenSuccess { response in self.write(response, answering: head, context: context) }
    }

    private func write(_ response: HTTPResponse, answering request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        state = .idle
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !request.isKeepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
