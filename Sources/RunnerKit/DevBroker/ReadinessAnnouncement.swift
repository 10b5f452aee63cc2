import Foundation
import ServiceLifecycle

/// The lines `runner dev-broker` prints on standard output for scripts and tests to wait for (the
/// bootstrap servers, then the control address), written from inside the service group: by then the
/// group has installed its SIGTERM/SIGINT handlers, so a script that stops the broker as soon as it
/// has read them still stops it gracefully.
struct ReadinessAnnouncement: Service {
    let lines: [String]

    func run() async throws {
        FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        // Stays until the group stops: a service that returned would end the group.
        try? await gracefulShutdown()
    }
}
