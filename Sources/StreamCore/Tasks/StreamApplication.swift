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

    /// Processes on ``StreamsConfiguration/streamThreads`` dedicated threads (polling blocks; it must
    /// not occupy the cooperative pool) until graceful shutdown, then returns once everything processed
    /// is committed. A state directory that refuses a write pauses a thread until it has room again
    /// (``StreamThreadSupervisor``); any other failure of one thread stops the others too, each
    /// committing what it processed, and is thrown once all have stopped.
    ///
    /// Cancellation (a `ServiceGroup` escalates to it when graceful shutdown outlasts its
    /// `maximumGracefulShutdownDuration`) stops waiting at once: the threads are asked to stop but may be
    /// stuck (a broker that does not answer), and the process is about to exit. What was processed
    /// after the last commit is processed again by the next owner of its partitions.
    ///
    /// - Throws: ``KafkaError`` or ``StateStoreError`` when processing stopped on its own because of a
    ///   fatal error; ``ShutdownAbandoned`` when cancelled before the threads finished.
    public func run() async throws {
        let (topology, configuration, logger, stopRequested) = (topology, configuration, logger, stopRequested)
        let threads = max(configuration.streamThreads, 1)
        let completion = ThreadCompletion(threads: threads)
        let instance = InstanceTasks()
        let outcome: Result<Void, any Error> = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { continuation in
                    completion.await(continuation)
                    for index in 1...threads {
                        let thread = Thread {
                            // Named from the thread itself, within Linux's 15 characters, so that `top -H`,
                            // gdb and perf show `StreamThread-N` (the application is in every log line).
                            Thread.current.name = StreamThread.name(index)
                            let supervisor = StreamThreadSupervisor(topology: topology, configuration: configuration, index: index, instance: instance, logger: logger)
                            let outcome = Result { () throws in try supervisor.run { stopRequested.isSet } }
                            // A thread that failed stops its siblings: the instance does not go on with some of its tasks.
                            if case .failure = outcome { stopRequested.set() }
                            completion.threadFinished(outcome)
                        }
                        thread.start()
                    }
                }
            } onGracefulShutdown: {
                stopRequested.set()
            }
        } onCancel: {
            stopRequested.set()
            completion.abandon(ShutdownAbandoned(application: topology.applicationID))
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

/// The outcome of the stream threads, handed to whoever waits for it: once every thread finished, the
/// first failure among them (or success); or, when abandoned first, the abandonment. Waiting and
/// finishing may come in either order.
private final class ThreadCompletion: Sendable {
    private struct State {
        var waiting: CheckedContinuation<Result<Void, any Error>, Never>?
        var running: Int
        var firstFailure: (any Error)?
        var outcome: Result<Void, any Error>?
        var delivered = false

        /// The continuation to resume with the outcome, once both are there (only once).
        mutating func delivery() -> (CheckedContinuation<Result<Void, any Error>, Never>, Result<Void, any Error>)? {
            guard !delivered, let waiting, let outcome else { return nil }
            delivered = true
            return (waiting, outcome)
        }
    }

    private let state: Mutex<State>

    init(threads: Int) {
        state = Mutex(State(running: threads))
    }

    func await(_ continuation: CheckedContinuation<Result<Void, any Error>, Never>) {
        deliver(state.withLock { state in
            state.waiting = continuation
            return state.delivery()
        })
    }

    func threadFinished(_ outcome: Result<Void, any Error>) {
        deliver(state.withLock { state in
            state.running -= 1
            if case .failure(let error) = outcome, state.firstFailure == nil { state.firstFailure = error }
            if state.running == 0, state.outcome == nil { state.outcome = state.firstFailure.map { .failure($0) } ?? .success(()) }
            return state.delivery()
        })
    }

    func abandon(_ error: any Error) {
        deliver(state.withLock { state in
            if state.outcome == nil { state.outcome = .failure(error) }
            return state.delivery()
        })
    }

    private func deliver(_ delivery: (CheckedContinuation<Result<Void, any Error>, Never>, Result<Void, any Error>)?) {
        guard let (continuation, outcome) = delivery else { return }
        continuation.resume(returning: outcome)
    }
}

/// A one-way flag shared between the service and its threads.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
