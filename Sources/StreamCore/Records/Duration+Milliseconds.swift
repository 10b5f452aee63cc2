extension Duration {
    /// Whole milliseconds, rounded down: the unit librdkafka takes and event times are counted in.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
