import Foundation

/// Runs blocking work (a consumer's poll loop) on its own thread, so it never blocks the
/// cooperative thread pool, and returns its result to the awaiting test.
func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Swift.Result { try body() })
        }.start()
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func waitUntil(timeout: Duration = .seconds(30), _ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw TestFailure("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Polls `condition`, which may ask a runner over HTTP, every 200 ms until it holds or `timeout` passes.
func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TestFailure("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(200))
    }
}
