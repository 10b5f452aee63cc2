import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A topology running against a Kafka cluster, as a ServiceLifecycle service: graceful shutdown
/// (SIGTERM/SIGINT in a `ServiceGroup`) commits what was processed, flushes outputs and leaves the group.
public final class StreamApplication: Service, Sendable {
    public let topology: Topology
    private let configuration: StreamsConfiguration
    private let logger: Logger
    private let stopRequested = StopFlag()

    public init(topology: Topology, configuration: StreamsConfiguration, logger: Logger) {
        self.topology = topology
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "application"] = "\(topology.applicationID)"
        self.logger = logger
    }

    /// Processes on a dedicated thread (polling blocks; it must not occupy the cooperative pool) until
    /// graceful shutdown, then returns once everything processed is committed. A state directory that
    /// refuses a write pauses processing until it has room again (``StreamThreadSupervisor``).
    ///
    /// Cancellation (a `ServiceGroup` escalates to it when graceful shutdown outlasts its
    /// `maximumGracefulShutdownDuration`) stops waiting at once: the thread is asked to stop but may be
    /// stuck (a broker that does not answer), and the process is about to exit. What was processed
    /// after the last commit is processed again by the next owner of its partitions.
    ///
    /// - Throws: ``KafkaError`` or ``StateStoreError`` when processing stopped on its own because of a
    ///   fatal error; ``ShutdownAbandoned`` when cancelled before the thread finished.
    public func run() async throws {
        let (topology, configuration, logger, stopRequested) = (topology, configuration, logger, stopRequested)
        let completion = ThreadCompletion()
        let outcome: Result<Void, any Error> = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { continuation in
                    completion.await(continuation)
                    let thread = Thread {
                        let supervisor = StreamThreadSupervisor(topology: topology, configuration: configuration, logger: logger)
                        completion.finish(Result { () throws in
                            try supervisor.run { stopRequested.isSet }
                        })
                    }
                    thread.name = "tributary-\(topology.applicationID)"
                    thread.start()
                }
            } onGracefulShutdown: {
                stopRequested.set()
            }
        } onCancel: {
            stopRequested.set()
            completion.finish(.failure(ShutdownAbandoned(application: topology.applicationID)))
        }
        try outcome.get()
        logger.info("stopped cleanly: processed offsets committed, outputs flushed")
    }

    /// The application was cancelled before it finished stopping (the shutdown timeout passed):
    /// records processed since the last commit were not committed.
    public struct ShutdownAbandoned: Error, CustomStringConvertible {
        public var application: String
        public var description: String {
            "application '\(application)' did not stop in time and was abandoned; records processed since its last commit will be processed again"
        }
    }
}

/// The outcome of the stream thread, handed to whoever waits for it: the first outcome wins (the
/// thread's own, or cancellation's), whichever of waiting and finishing comes first.
private final class ThreadCompletion: Sendable {
    private enum State {
        case pending(CheckedContinuation<Result<Void, any Error>, Never>?)
        case finished(Result<Void, any Error>?)
    }

    private let state = Mutex(State.pending(nil))

    func await(_ continuation: CheckedContinuation<Result<Void, any Error>, Never>) {
        let early: Result<Void, any Error>? = state.withLock { state in
            switch state {
            case .pending:
                state = .pending(continuation)
                return nil
            case .finished(let outcome):
                state = .finished(nil)
                return outcome
            }
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ outcome: Result<Void, any Error>) {
        let waiting: CheckedContinuation<Result<Void, any Error>, Never>? = state.withLock { state in
            switch state {
            case .pending(let continuation?):
                state = .finished(nil)
                return continuation
            case .pending(nil):
                state = .finished(outcome)
                return nil
            case .finished:
                return nil
            }
        }
        waiting?.resume(returning: outcome)
    }
}

/// A one-way flag shared between the service and its thread.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
