extension YAMLNode {
    /// The units a duration may be written in, with their length in milliseconds.
    static let durationUnits: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The longest duration a file may give (100 years): windows, grace, retention, timers and join
    /// windows add durations to event times, which must not overflow.
    static let longestDuration: Int64 = 36_500 * 86_400_000

    /// A duration such as `500ms`, `30s`, `1m`, `2h` or `1d`, in milliseconds, at most ``longestDuration``;
    /// `0` is allowed (with or without a unit) where `allowsZero`.
    func duration(for subject: String, allowsZero: Bool = false, _ diagnostics: inout DiagnosticCollector) -> Int64? {
        let expectation = "expected a duration such as 500ms, 30s, 5m, 2h or 1d for \(subject)"
        guard let text, !isEmpty else {
            diagnostics.report("\(expectation), got \(shapeDescription)", at: location)
            return nil
        }
        // Longest suffix first, so that `ms` is not read as `m`.
        for unit in Self.durationUnits.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(unit.suffix) {
            if let amount = Int64(text.dropLast(unit.suffix.count)), amount >= 0, amount <= Int64.max / unit.milliseconds {
                if amount == 0, !allowsZero {
                    diagnostics.report("\(subject) must be longer than 0", at: location)
                    return nil
                }
                guard amount * unit.milliseconds <= Self.longestDuration else {
                    diagnostics.report("\(subject) must be at most 36500d (100 years), got '\(text)'", at: location)
                    return nil
                }
                return amount * unit.milliseconds
            }
            break
        }
        if allowsZero, text == "0" { return 0 }
        diagnostics.report("\(expectation), got '\(text)'", at: location)
        return nil
    }
}
