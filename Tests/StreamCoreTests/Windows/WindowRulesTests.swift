import Testing
import StreamCore

/// Window boundaries and closing, against brute-force references written from Kafka Streams'
/// documented rules (no StreamCore code in the oracles).
@Suite("Window rules")
struct WindowRulesTests {
    /// Every window `[k·advance, k·advance + size)`, k ≥ 0, that holds `t`: enumerated and filtered by the
    /// rule itself (the candidates only start late enough to keep the enumeration short).
    private func referenceWindows(size: Int64, advance: Int64, containing t: Int64) -> [TimeWindow] {
        guard t >= 0 else { return [] }
        let firstCandidate = max(0, (t - 2 * size) / advance * advance)
        return stride(from: firstCandidate, through: t, by: Int(advance))
            .filter { $0 <= t && t < $0 + size }
            .map { TimeWindow(start: $0, end: $0 + size) }
    }

    @Test(arguments: [Int64(0), 1, 59_999, 60_000, 60_001, 119_999, 1_795_788_000_000])
    func tumblingWindowIncludesItsStartAndExcludesItsEnd(t: Int64) {
        let windows = TimeWindows.tumbling(size: 60_000)
        #expect(windows.windows(containing: t) == referenceWindows(size: 60_000, advance: 60_000, containing: t))
        #expect(windows.windows(containing: t).count == 1)
    }

    @Test func tumblingBoundaryRecordOpensTheNextWindow() {
        #expect(TimeWindows.tumbling(size: 60_000).windows(containing: 60_000) == [TimeWindow(start: 60_000, end: 120_000)])
    }

    @Test(arguments: [Int64(0), 1, 4_999, 5_000, 9_999, 10_000, 12_345, 299_999, 1_795_788_001_234])
    func hoppingRecordBelongsToEveryOverlappingWindow(t: Int64) {
        let windows = TimeWindows.hopping(size: 20_000, advance: 5_000)
        #expect(windows.windows(containing: t) == referenceWindows(size: 20_000, advance: 5_000, containing: t))
    }

    @Test func hoppingWindowsNeverStartBeforeTheEpoch() {
        #expect(TimeWindows.hopping(size: 20_000, advance: 5_000).windows(containing: 3_000) == [TimeWindow(start: 0, end: 20_000)])
        #expect(TimeWindows.tumbling(size: 1_000).windows(containing: -1).isEmpty)
    }

    @Test func timeWindowClosesWhenStreamTimeReachesEndPlusGrace() {
        let windows = TimeWindows.tumbling(size: 60_000, grace: 120_000)
        let window = TimeWindow(start: 0, end: 60_000)
        #expect(!windows.isClosed(window, at: StreamTime()))
        #expect(!windows.isClosed(window, at: StreamTime(current: 179_999)))
        #expect(windows.isClosed(window, at: StreamTime(current: 180_000)))
    }

    @Test func streamTimeNeverGoesBackwards() {
        var time = StreamTime()
        for t in [Int64(5), 9, 3, 9, 7] { time.observe(t) }
        #expect(time.current == 9)
    }

    @Test func sessionRecordWithinTheGapOnEitherSideJoins() {
        let sessions = SessionWindows(gap: 1_000)
        let existing = [TimeWindow(start: 10_000, end: 12_000)]
        #expect(sessions.sessionsToMerge(existing, with: 13_000) == existing, "gap after the end is inclusive")
        #expect(sessions.sessionsToMerge(existing, with: 9_000) == existing, "gap before the start is inclusive")
        #expect(sessions.sessionsToMerge(existing, with: 13_001).isEmpty)
        #expect(sessions.sessionsToMerge(existing, with: 8_999).isEmpty)
        #expect(sessions.mergedSession([], with: 13_001) == TimeWindow(start: 13_001, end: 13_001))
    }

    @Test func sessionRecordBridgingTwoSessionsMergesThem() {
        let sessions = SessionWindows(gap: 1_000)
        let existing = [TimeWindow(start: 0, end: 500), TimeWindow(start: 2_000, end: 2_400), TimeWindow(start: 9_000, end: 9_000)]
        let merging = sessions.sessionsToMerge(existing, with: 1_200)
        #expect(merging == Array(existing.prefix(2)))
        #expect(sessions.mergedSession(merging, with: 1_200) == TimeWindow(start: 0, end: 2_400))
    }

    @Test func sessionsMatchAReferenceSessionizationOfRandomEvents() {
        // Reference: sort the times, cut where two neighbours are more than `gap` apart.
        var generator = SystemRandomNumberGenerator()
        let gap: Int64 = 300
        let times = (0..<400).map { _ in Int64.random(in: 0..<60_000, using: &generator) }
        var reference: [TimeWindow] = []
        for t in times.sorted() {
            if let last = reference.last, t - last.end <= gap {
                reference[reference.count - 1].end = t
            } else {
                reference.append(TimeWindow(start: t, end: t))
            }
        }
        let sessions = SessionWindows(gap: gap)
        var built: [TimeWindow] = []
        for t in times {
            let merging = sessions.sessionsToMerge(built, with: t)
            built.removeAll { merging.contains($0) }
            built.append(sessions.mergedSession(merging, with: t))
        }
        #expect(built.sorted() == reference, "arrival order does not change the sessions")
    }

    @Test func sessionClosesOnceStreamTimePassesEndPlusGapPlusGrace() {
        let sessions = SessionWindows(gap: 1_000, grace: 500)
        let session = TimeWindow(start: 0, end: 10_000)
        #expect(!sessions.isClosed(session, at: StreamTime(current: 11_500)))
        #expect(sessions.isClosed(session, at: StreamTime(current: 11_501)))
    }
}
