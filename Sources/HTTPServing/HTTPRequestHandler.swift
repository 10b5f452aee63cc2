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

    /// What a request may be; checked on its head, before its body is read.
    struct Limits {
        var maximumBodySize: Int
        var allowedMethods: Set<HTTPRequest.Method>?
    }

    private let handler: HTTPServer.Handler
    private let limits: Limits
    private var state = State.idle

    init(handler: @escaping HTTPServer.Handler, limits: Limits) {
        self.handler = handler
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            context.triggerUserOutboundEvent(ConnectionTimeouts.Event.headReceived, promise: nil)
            if let refusal = refusal(of: head) {
                // Answered before the body is read; the connection closes, so the body never is.
                state = .responding
                write(refusal, answering: head, context: context, thenClose: true)
                return
            }
            state = .collecting(head, [])
        case .body(let buffer):
            guard case .collecting(let head, var body) = state else { return }
            // Released first so that appending does not copy the bytes collected so far.
            state = .idle
            if body.count + buffer.readableBytes > limits.maximumBodySize {
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
                write(HTTPResponse(status: 413, text: "request body larger than \(limits.maximumBodySize) bytes\n"), answering: head, context: context)
            case .idle, .responding:
                break
            }
        }
    }

    /// The answer to a request refused on its head alone: a method the server does not answer (405), or a
    /// declared body larger than it accepts (413).
    private func refusal(of head: HTTPRequestHead) -> HTTPResponse? {
        if let allowed = limits.allowedMethods, !allowed.contains(HTTPRequest.Method(rawValue: head.method.rawValue)) {
            var response = HTTPResponse(status: 405, text: "method \(head.method.rawValue) not allowed\n")
            response.headers.append((name: "Allow", value: allowed.map(\.rawValue).sorted().joined(separator: ", ")))
            return response
        }
        if let declared = head.headers.first(name: "Content-Length").flatMap(Int.init), declared > limits.maximumBodySize {
            return HTTPResponse(status: 413, text: "request body of \(declared) bytes; at most \(limits.maximumBodySize) are accepted\n")
        }
        return nil
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

    private func write(_ response: HTTPResponse, answering request: HTTPRequestHead, context: ChannelHandlerContext, thenClose: Bool = false) {
        let keepsAlive = request.isKeepAlive && !thenClose
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepsAlive ? "keep-alive" : "close")
        state = .idle
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepsAlive {
            context.triggerUserOutboundEvent(ConnectionTimeouts.Event.responseSent, promise: nil)
        } else {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
