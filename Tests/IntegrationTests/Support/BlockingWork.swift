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
