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
    /// graceful shutdown or cancellation, then returns once everything processed is committed.
    ///
    /// - Throws: ``KafkaError`` or ``StateStoreError`` when processing stopped on its own because of a
    ///   fatal error.
    public func run() async throws {
        let (topology, configuration, logger, stopRequested) = (topology, configuration, logger, stopRequested)
        let outcome: Result<Void, any Error> = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { continuation in
                    let thread = Thread {
                        let streamThread = StreamThread(topology: topology, configuration: configuration, logger: logger)
                        continuation.resume(returning: Result { () throws in
                            try streamThread.run { stopRequested.isSet }
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
        }
        try outcome.get()
        logger.info("stopped cleanly: processed offsets committed, outputs flushed")
    }
}

/// A one-way flag shared between the service and its thread.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
