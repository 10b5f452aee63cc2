import Foundation
import Logging
import Metrics

/// Runs a topology's stream thread and replaces it when it stopped because the state directory
/// refused a write — a full disk, a read-only or vanished directory — once the directory can be
/// written again and has room (Kafka Streams' `REPLACE_THREAD`, for this one cause). Any other
/// failure ends processing.
///
/// Replacing is exact: the failed thread wrote nothing locally that its changelogs do not hold, left
/// the group without committing what it processed since its last commit, and closed its stores. The
/// new thread restores what the stores lack from their changelogs and processes from the committed
/// offsets, skipping what the restored checkpoints already reflect.
struct StreamThreadSupervisor {
    let topology: Topology
    let configuration: StreamsConfiguration
    /// The thread's number (1-based) and what it shares with the instance's other threads.
    let index: Int
    let instance: InstanceTasks
    let logger: Logger

    /// Runs on the calling thread (a dedicated one: all of this blocks) until `shouldStop`, or until a
    /// failure that is not the state directory's.
    ///
    /// - Throws: the failure that ended processing; a state directory that is unusable when the first
    ///   thread starts is one (a misconfiguration, told at once rather than waited out).
    func run(until shouldStop: () -> Bool) throws {
        let failures = Counter(label: "tributary_state_directory_failures_total", dimensions: [("application", topology.applicationID)])
        var backoff = Duration.seconds(1)
        var isFirstThread = true
        while true {
            let started = ContinuousClock.now
            do {
                try StreamThread(topology: topology, configuration: configuration, index: index, instance: instance, logger: logger).run(until: shouldStop)
                return
            } catch {
                guard let failure = StateDirectory.writeFailure(in: error), !(isFirstThread && failure is StateDirectory.Unusable) else { throw error }
                isFirstThread = false
                failures.increment()
                let directory = StateDirectory.path(of: topology.applicationID, under: configuration.stateDirectory)
                let available = StateDirectory.space(at: directory).map { "\($0.availableBytes) bytes" } ?? "unknown"
                logger.error("state directory \(directory) refused a write: processing paused until it can be written again and has room; it resumes from the last commit", metadata: [
                    "error": "\(failure)", "available": "\(available)",
                ])
                // A thread that fails again soon after resuming waits longer before the next one.
                backoff = ContinuousClock.now - started < .seconds(60) ? min(backoff * 2, .seconds(60)) : .seconds(1)
                guard waitForRoom(in: directory, after: backoff, unless: shouldStop) else {
                    logger.notice("stopped while paused: records processed since the last commit are processed again at the next start")
                    return
                }
                logger.notice("state directory \(directory) can be written again: resuming")
            }
        }
    }

    /// Sleeps `backoff`, then until the state directory has room to resume, checking `shouldStop` at
    /// least every 100 ms; whether the directory has room (`false`: a stop was asked for).
    private func waitForRoom(in directory: String, after backoff: Duration, unless shouldStop: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let earliest = clock.now + backoff
        var nextCheck = earliest
        while !shouldStop() {
            if clock.now >= nextCheck {
                if StateDirectory.hasRoomToResume(topology.applicationID, under: configuration.stateDirectory, minimumFreeBytes: configuration.stateDirectoryRoomToResume) { return true }
                nextCheck = clock.now + .seconds(1)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
