/// Why a test gave up: a condition not met in time, a helper process that did not start.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` every 50 ms until it holds; throws ``TestFailure`` once `timeout` has passed,
/// naming the wait's place in the test (a test with several waits fails at its `@Test` line).
public func waitUntil(timeout: Duration = .seconds(30), file: StaticString = #fileID, line: UInt = #line, _ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw TestFailure("condition at \(file):\(line) not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Polls `condition`, which may ask a runner over HTTP, every 200 ms until it holds; throws
/// ``TestFailure`` once `timeout` has passed, naming the wait's place in the test.
public func waitUntil(timeout: Duration, file: StaticString = #fileID, line: UInt = #line, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TestFailure("condition at \(file):\(line) not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(200))
    }
}
