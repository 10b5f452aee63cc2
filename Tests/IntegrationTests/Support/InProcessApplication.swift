import Logging
import ServiceLifecycle
import StreamCore

/// Runs `application` in this process, in a service group, until `body` returns or throws; then stops
/// it gracefully and waits for it to end.
func running<Result: Sendable>(_ application: StreamApplication, logger: Logger, _ body: () async throws -> Result) async throws -> Result {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: application)], logger: logger))
    let run = Task { try await group.run() }
    let result: Result
    do {
        result = try await body()
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await run.value
        throw error
    }
    await group.triggerGracefulShutdown()
    try await run.value
    return result
}
