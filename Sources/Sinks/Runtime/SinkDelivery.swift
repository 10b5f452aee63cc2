import StreamCore

/// What a destination answered for a batch.
public enum SinkDelivery: Sendable {
    /// The destination answered for every record, in the batch's order.
    case perRecord([RecordOutcome])
    /// Nothing was written (network error, 5xx, throttling): the whole batch is retried after a
    /// backoff, or after `retryAfter` when the destination said so. Consumption pauses meanwhile.
    case retryBatch(reason: String, retryAfter: Duration?)
    /// The destination's allowance is used up (Salesforce's daily request limit): calls stop and are
    /// probed rarely until one succeeds.
    case allowanceExhausted(reason: String)
    /// The sink cannot work as configured (credentials refused): it stops, committing nothing more.
    case fatal(reason: String)

    /// The answer for one record.
    public enum RecordOutcome: Sendable, Equatable {
        case delivered
        /// Refused for now (a locked row): retried on its own, coalesced with anything newer.
        case retry(reason: String)
        /// Refused for good: the record goes to the dead-letter topic with `reason` and `headers`.
        case deadLetter(reason: String, headers: [KafkaHeader])
    }
}

/// Where a sink writes: Salesforce, an HTTP endpoint.
public protocol SinkDestination: Sendable {
    /// Writes `batch` (at most the configured batch size, at most one record per coalescing key) and
    /// says what happened. Never throws: every failure is one of ``SinkDelivery``'s answers.
    func deliver(_ batch: [SinkRecord]) async -> SinkDelivery

    /// How long to wait at least between calls now: zero normally, more when the destination's
    /// allowance runs low.
    func pacing() async -> Duration
}
