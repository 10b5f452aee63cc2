import Foundation

/// `runner dev-broker` in its own process, as users run it: a real Kafka-protocol cluster on loopback.
final class TestDevBroker: Sendable {
    let bootstrapServers: String
    private let child: ChildProcess

    /// Starts a broker with the given `NAME:PARTITIONS` topics and waits for its bootstrap line.
    init(topics: [String] = [], topologies: [String] = [], brokers: Int = 1) throws {
        let arguments = ["dev-broker", "--brokers", String(brokers), "--log-level", "warning"]
            + topics.flatMap { ["--topic", $0] } + topologies.flatMap { ["--topology", $0] }
        child = try ChildProcess(RunnerExecutable.path, arguments)
        bootstrapServers = child.firstLineOfOutput()
        guard bootstrapServers.contains(":") else {
            throw TestFailure("runner dev-broker printed no bootstrap servers (got '\(bootstrapServers)')")
        }
    }

    /// Freezes the broker process (SIGSTOP): connections stay open but nothing is answered, the way a
    /// hung broker behaves. ``resume()`` thaws it.
    func pause() { kill(child.process.processIdentifier, SIGSTOP) }

    func resume() { kill(child.process.processIdentifier, SIGCONT) }

    /// Stops the broker with SIGTERM and returns its exit status.
    @discardableResult
    func stop() -> Int32 { child.stop() }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
