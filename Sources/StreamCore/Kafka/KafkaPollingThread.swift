import Foundation
import Synchronization

/// A thread that serves a client's callbacks (delivery reports, logs, errors) until stopped.
final class KafkaPollingThread: Sendable {
    private final class Lifecycle: Sendable {
        let running = Atomic<Bool>(true)
        let finished = DispatchSemaphore(value: 0)
    }

    private let lifecycle = Lifecycle()

    init(name: String, client: RDKafkaClient) {
        let thread = Thread { [lifecycle] in
            while lifecycle.running.load(ordering: .acquiring) { client.poll(timeout: .milliseconds(100)) }
            // One last round so reports that arrived during shutdown reach their completions.
            client.poll(timeout: .zero)
            lifecycle.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread and waits for it to finish; calling it again is harmless.
    func stop() {
        if lifecycle.running.exchange(false, ordering: .acquiringAndReleasing) { lifecycle.finished.wait() }
    }
}
