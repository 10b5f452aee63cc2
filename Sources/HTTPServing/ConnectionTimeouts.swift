import NIOCore

/// Closes a connection that waits too long: for its next request to start (``idle``, from when it opens
/// and from each response), or for a started request's head to be complete (``header``, against clients
/// that trickle headers to hold connections open).
///
/// Sits first in the pipeline, where it sees the raw bytes arrive; ``HTTPRequestHandler`` tells it, with
/// outbound user events, when a head is complete and when a response has been sent.
final class ConnectionTimeouts: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the request handler reports.
    enum Event {
        /// A request's head has been read: no deadline while it is handled.
        case headReceived
        /// A response has been written: the connection waits for its next request.
        case responseSent
    }

    private enum State {
        case waitingForRequest
        case readingHead
        case handling
    }

    private let idle: TimeAmount
    private let header: TimeAmount
    private var state = State.waitingForRequest
    private var deadline: Scheduled<Void>?

    init(idle: TimeAmount, header: TimeAmount) {
        self.idle = idle
        self.header = header
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(idle, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .waitingForRequest = state {
            state = .readingHead
            arm(header, context: context)
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event as? Event {
        case .headReceived?:
            state = .handling
            deadline?.cancel()
            promise?.succeed()
        case .responseSent?:
            state = .waitingForRequest
            arm(idle, context: context)
            promise?.succeed()
        case nil:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
