import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import TributaryTestSupport
#endif

/// `runner dev-broker` in its own process, as users run it: a real Kafka-protocol cluster on loopback.
final class TestDevBroker: Sendable {
    let bootstrapServers: String
    /// `127.0.0.1:PORT` of the fault controls, when started with a control port.
    let controlAddress: String?
    private let child: ChildProcess

    /// Starts a broker with the given `NAME:PARTITIONS` topics and waits for its bootstrap line; with a
    /// `controlPort` (0 picks a free one) also for its control line, so that ``control(_:)`` can script faults.
    init(topics: [String] = [], topologies: [String] = [], brokers: Int = 1, controlPort: Int? = nil) throws {
        let arguments = ["dev-broker", "--brokers", String(brokers), "--log-level", "warning"]
            + topics.flatMap { ["--topic", $0] } + topologies.flatMap { ["--topology", $0] }
            + (controlPort.map { ["--control-port", String($0)] } ?? [])
        child = try ChildProcess(RunnerExecutable.path, arguments)
        let lines = child.linesOfOutput(controlPort == nil ? 1 : 2)
        bootstrapServers = lines.first ?? ""
        guard bootstrapServers.contains(":") else {
            throw TestFailure("runner dev-broker printed no bootstrap servers (got '\(bootstrapServers)')")
        }
        guard controlPort != nil else {
            controlAddress = nil
            return
        }
        guard lines.count == 2, lines[1].hasPrefix("control: ") else {
            throw TestFailure("runner dev-broker printed no control address (got '\(lines.dropFirst().first ?? "")')")
        }
        controlAddress = String(lines[1].dropFirst("control: ".count))
    }

    /// POSTs `path` (e.g. `/brokers/2/down`) to the fault controls.
    ///
    /// - Throws: ``TestFailure`` when the broker has no control port or does not answer 200.
    func control(_ path: String) async throws {
        guard let controlAddress else { throw TestFailure("this dev broker was started without a control port") }
        var request = URLRequest(url: URL(string: "http://\(controlAddress)\(path)")!)
        request.httpMethod = "POST"
        let (body, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw TestFailure("POST \(path) answered \(status): \(String(decoding: body, as: UTF8.self))")
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
