import Testing
import StreamCore

/// Sliding windows' boundaries, creation and closing. Expected windows are written out by hand from Kafka
/// Streams' rules (left window `[t - size, t]`, `[0, size]` for `t < size`; right window `[t + 1, t + 1 + size]`
/// only when a record is in it; both ends inclusive; closed when `streamTime > end + grace`), and the random
/// tests use a brute-force reference written from the same rules (no StreamCore code in the oracles).
@Suite("Sliding window rules")
struct SlidingWindowRulesTests {
    private func window(_ start: Int64, _ end: Int64) -> TimeWindow {
        TimeWindow(start: start, end: end)
    }

    // MARK: Window contents

    @Test func bothEndsAreInclusive() {
        let windows = SlidingWindows(size: 10)
        let w = window(90, 100)
        #expect(!windows.contains(w, 89))
        #expect(windows.contains(w, 90))
        #expect(windows.contains(w, 100))
        #expect(!windows.contains(w, 101))
    }

    @Test func kafkaDocumentationExample() {
        // SlidingWindows' javadoc: time difference 5000 ms, records at 8000, 9200 and 12400 make five windows.
        let windows = SlidingWindows(size: 5_000)
        let expected = [
            window(3_000, 8_000),  // left window of 8000
            window(4_200, 9_200),  // left window of 9200
            window(7_400, 12_400),  // left window of 12400
            window(8_001, 13_001),  // right window of 8000 (holds 9200 and 12400)
            window(9_201, 14_201),  // right window of 9200 (holds 12400); 12400 has no later record, so no right window
        ]
        #expect(windows.windows(definedBy: [8_000, 9_200, 12_400]) == expected)
        #expect(windows.windows(definedBy: [12_400, 8_000, 9_200]) == expected, "arrival order does not matter")
        #expect(expected.allSatisfy { $0.end - $0.start == 5_000 })
    }

    @Test func aSingleRecordDefinesOnlyItsLeftWindow() {
        #expect(SlidingWindows(size: 10).windows(definedBy: [100]) == [window(90, 100)])
        #expect(SlidingWindows(size: 10).windows(definedBy: []).isEmpty)
    }

    @Test func rightWindowExistsOnlyWhileALaterRecordIsInIt() {
        let windows = SlidingWindows(size: 10)
        // 100 and 105: right window of 100, [101, 111], holds 105.
        #expect(windows.windows(definedBy: [100, 105]) == [window(90, 100), window(95, 105), window(101, 111)])
        // Exactly `size` apart: both in [100, 110], and 110 is in 100's right window [101, 111] too.
        #expect(windows.windows(definedBy: [100, 110]) == [window(90, 100), window(100, 110), window(101, 111)])
        // `size + 1` apart: 100's right window [101, 111] is 111's left window; no common window.
        #expect(windows.windows(definedBy: [100, 111]) == [window(90, 100), window(101, 111)])
        // `size + 2` apart: 112 is not in [101, 111], so 100 has no right window.
        #expect(windows.windows(definedBy: [100, 112]) == [window(90, 100), window(102, 112)])
    }

    @Test func equalTimestampsDefineTheSameWindowsOnce() {
        let windows = SlidingWindows(size: 10)
        #expect(windows.windows(definedBy: [100, 100]) == [window(90, 100)])
        #expect(windows.windows(definedBy: [100, 105, 100, 105]) == [window(90, 100), window(95, 105), window(101, 111)])
    }

    @Test func earlyRecordsShareTheWindowFromZeroToSize() {
        let windows = SlidingWindows(size: 10)
        #expect(windows.windows(definedBy: [0]) == [window(0, 10)])
        #expect(windows.windows(definedBy: [3]) == [window(0, 10)])
        #expect(windows.windows(definedBy: [9]) == [window(0, 10)])
        #expect(windows.windows(definedBy: [10]) == [window(0, 10)], "at exactly size the left window starts at 0")
        #expect(windows.windows(definedBy: [11]) == [window(1, 11)])
        // Early records still get right windows: 2's is [3, 13] and holds 5.
        #expect(windows.windows(definedBy: [2, 5]) == [window(0, 10), window(3, 13)])
        // 3's right window [4, 14] does not reach 15.
        #expect(windows.windows(definedBy: [3, 15]) == [window(0, 10), window(5, 15)])
        // 0's right window [1, 11] is 11's left window.
        #expect(windows.windows(definedBy: [0, 11]) == [window(0, 10), window(1, 11)])
        #expect(windows.windows(definedBy: [1, 3, 5]) == [window(0, 10), window(2, 12), window(4, 14)])
    }

    @Test func negativeTimestampsDefineNoWindow() {
        let windows = SlidingWindows(size: 10)
        #expect(windows.windows(definedBy: [-1]).isEmpty)
        #expect(windows.windows(definedBy: [-5, 3]) == [window(0, 10)])
        #expect(windows.windowsAffected(byRecordAt: -1, existing: [3]).isEmpty)
    }

    @Test func zeroTimeDifferenceMakesOneMillisecondWindows() {
        // Kafka accepts a time difference of 0: records share a window only with equal timestamps.
        let windows = SlidingWindows(size: 0)
        #expect(windows.windows(definedBy: [0]) == [window(0, 0)])
        #expect(windows.windows(definedBy: [5, 5, 6, 8]) == [window(5, 5), window(6, 6), window(8, 8)])
    }

    // MARK: Windows affected by an arrival

    @Test func firstRecordCreatesItsLeftWindow() {
        #expect(SlidingWindows(size: 10).windowsAffected(byRecordAt: 100, existing: []) == [window(90, 100)])
    }

    @Test func inOrderRecordUpdatesItsWindowsAndCreatesThePreviousRecordsRightWindow() {
        let windows = SlidingWindows(size: 10)
        // Existing [90, 100] does not hold 105 and stays as it is.
        #expect(windows.windowsAffected(byRecordAt: 105, existing: [100]) == [window(95, 105), window(101, 111)])
        // Exactly size apart: [90, 100] ends before 110; 110's left window [100, 110] and 100's right window
        // [101, 111] are new and both hold 110.
        #expect(windows.windowsAffected(byRecordAt: 110, existing: [100]) == [window(100, 110), window(101, 111)])
        // size + 1 apart: 100's right window is 111's left window.
        #expect(windows.windowsAffected(byRecordAt: 111, existing: [100]) == [window(101, 111)])
        // Far apart: only the new left window.
        #expect(windows.windowsAffected(byRecordAt: 500, existing: [0, 100, 1_000]) == [window(490, 500)])
    }

    @Test func outOfOrderRecordAlsoCreatesItsOwnRightWindowFromLaterRecords() {
        let windows = SlidingWindows(size: 10)
        // Before: [90, 100] and [102, 112] (100's right window [101, 111] would not reach 112).
        // 105 arrives: it is in its left window [95, 105] (new), 100's right window [101, 111] (new) and
        // 112's left window [102, 112]; its right window [106, 116] is new and holds only 112.
        #expect(windows.windowsAffected(byRecordAt: 105, existing: [100, 112])
            == [window(95, 105), window(101, 111), window(102, 112), window(106, 116)])
        // 104 between 100 and 105. Before: [90, 100], [95, 105], [101, 111]. 104 is in [95, 105] and [101, 111]
        // (100's right window, already there) and its new left window [94, 104]; its right window [105, 115]
        // holds 105, so it is new too. [90, 100] does not hold 104.
        #expect(windows.windowsAffected(byRecordAt: 104, existing: [100, 105])
            == [window(94, 104), window(95, 105), window(101, 111), window(105, 115)])
    }

    @Test func duplicateTimestampUpdatesTheWindowsHoldingItAndCreatesNothing() {
        let windows = SlidingWindows(size: 10)
        // Windows before and after: [90, 100], [95, 105], [101, 111].
        #expect(windows.windowsAffected(byRecordAt: 105, existing: [100, 105]) == [window(95, 105), window(101, 111)])
        // 100's right window [101, 111] exists but does not hold 100; [95, 105] does.
        #expect(windows.windowsAffected(byRecordAt: 100, existing: [100, 105]) == [window(90, 100), window(95, 105)])
    }

    @Test func earlyRecordUpdatesTheWindowFromZero() {
        let windows = SlidingWindows(size: 10)
        #expect(windows.windowsAffected(byRecordAt: 5, existing: []) == [window(0, 10)])
        // 3's right window [4, 14] is created by 5.
        #expect(windows.windowsAffected(byRecordAt: 5, existing: [3]) == [window(0, 10), window(4, 14)])
        // Out of order: 3 after 5 creates its right window [4, 14] holding 5.
        #expect(windows.windowsAffected(byRecordAt: 3, existing: [5]) == [window(0, 10), window(4, 14)])
        // 12 is in [0, 10]? No; in 3's right window [4, 14] (new) and its own left window [2, 12].
        #expect(windows.windowsAffected(byRecordAt: 12, existing: [3]) == [window(2, 12), window(4, 14)])
    }

    // MARK: Closing and lateness

    @Test func windowClosesOnceStreamTimePassesEndPlusGrace() {
        let windows = SlidingWindows(size: 10, grace: 5)
        let w = window(90, 100)
        #expect(!windows.isClosed(w, at: StreamTime()))
        #expect(!windows.isClosed(w, at: StreamTime(current: 104)))
        #expect(!windows.isClosed(w, at: StreamTime(current: 105)), "open at exactly end + grace: the end is inclusive")
        #expect(windows.isClosed(w, at: StreamTime(current: 106)))
    }

    @Test func withoutGraceAWindowClosesOneMillisecondAfterItsEnd() {
        let windows = SlidingWindows(size: 10)
        #expect(!windows.isClosed(window(90, 100), at: StreamTime(current: 100)))
        #expect(windows.isClosed(window(90, 100), at: StreamTime(current: 101)))
    }

    @Test func recordIsLateOnceStreamTimePassesItsTimestampPlusSizePlusGrace() {
        let windows = SlidingWindows(size: 10, grace: 5)
        // Kafka: dropped when t + 1 + size <= streamTime - grace, i.e. 100 + 10 + 5 < streamTime.
        #expect(!windows.isLate(recordAt: 100, at: StreamTime(current: 114)))
        #expect(!windows.isLate(recordAt: 100, at: StreamTime(current: 115)))
        #expect(windows.isLate(recordAt: 100, at: StreamTime(current: 116)))
        #expect(!windows.isLate(recordAt: 100, at: StreamTime()))
        #expect(!windows.isLate(recordAt: 100, at: StreamTime(current: 100)), "the newest record is never late")
    }

    @Test func lateCheckUsesStreamTimeAfterObservingTheRecord() {
        let windows = SlidingWindows(size: 10)
        var time = StreamTime()
        time.observe(200)
        time.observe(100)
        #expect(windows.isLate(recordAt: 100, at: time), "100 + 10 < 200")
        time.observe(300)
        #expect(!windows.isLate(recordAt: 300, at: time))
    }

    @Test func recordInTimeCanStillFindItsLeftWindowClosed() {
        // size 10, grace 5, stream time 112: record 100 is not late (115 >= 112), but its left window [90, 100]
        // closed at 106; 99's right window [100, 110] (which holds 100) is still open (115 >= 112).
        let windows = SlidingWindows(size: 10, grace: 5)
        let time = StreamTime(current: 112)
        #expect(!windows.isLate(recordAt: 100, at: time))
        let affected = windows.windowsAffected(byRecordAt: 100, existing: [99])
        #expect(affected == [window(90, 100), window(100, 110)], "99's left window [89, 99] does not hold 100")
        #expect(affected.filter { !windows.isClosed($0, at: time) } == [window(100, 110)])
    }

    // MARK: Random histories against a brute-force reference

    /// Every window `[s, s + size]` with `s >= 0` that Kafka's rules create for `records`, found by trying
    /// every start: `s` is a record's left window start (`r - size`, or 0 for `r <= size`), or `s - 1` is a
    /// record and some record falls in `[s, s + size]`.
    private func referenceWindows(size: Int64, records: [Int64]) -> [TimeWindow] {
        guard let last = records.max() else { return [] }
        return (Int64(0)...(last + 1)).compactMap { s in
            let isLeft = records.contains { $0 - size == s || (s == 0 && $0 <= size) }
            let isRight = records.contains(s - 1) && records.contains { s <= $0 && $0 <= s + size }
            return isLeft || isRight ? TimeWindow(start: s, end: s + size) : nil
        }
    }

    @Test(arguments: [Int64(0), 1, 7, 30])
    func randomHistoriesMatchTheReferenceAndIncrementalRecomputation(size: Int64) {
        var generator = SystemRandomNumberGenerator()
        let windows = SlidingWindows(size: size)
        for _ in 0..<20 {
            // Dense enough for overlaps, duplicates and early records.
            let arrivals = (0..<40).map { _ in Int64.random(in: 0..<200, using: &generator) }
            let reference = referenceWindows(size: size, records: arrivals)
            #expect(windows.windows(definedBy: arrivals) == reference)
            #expect(reference.allSatisfy { w in arrivals.contains { w.start <= $0 && $0 <= w.end } }, "no empty window")

            // Drive a count aggregation the way the engine will: recompute only the affected windows.
            var held: [Int64] = []
            var counts: [TimeWindow: Int] = [:]
            for t in arrivals {
                let before = Set(referenceWindows(size: size, records: held))
                let affected = windows.windowsAffected(byRecordAt: t, existing: held)
                held.append(t)
                let after = referenceWindows(size: size, records: held)
                let expected = after.filter { ($0.start <= t && t <= $0.end) || !before.contains($0) }
                #expect(affected == expected)
                for w in affected {
                    counts[w] = held.count(where: { w.start <= $0 && $0 <= w.end })
                }
            }
            #expect(counts.keys.sorted() == reference)
            for w in reference {
                #expect(counts[w] == arrivals.count(where: { w.start <= $0 && $0 <= w.end }), "\(w) was left stale")
            }
        }
    }
}
