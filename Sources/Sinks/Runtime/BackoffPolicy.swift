/// Exponential backoff with full jitter (AWS's "full jitter"): attempt n waits a random time up to
/// `min(maximum, initial * 2^n)`, so that many clients retrying do not retry together.
public struct BackoffPolicy: Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait before retry number `attempt` (0 for the first retry), at least a millisecond.
    public func delay(attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let ceiling = min(maximum, initial * (1 << min(attempt, 30)))
        return max(.milliseconds(1), ceiling * random)
    }
}
