import Testing
@testable import StreamCore

/// When a task's partitions are paused and resumed to keep fetched records bounded.
@Suite("Back-pressure")
struct BackPressureTests {
    private let first = TaskID(subtopology: 0, partition: 0)
    private let second = TaskID(subtopology: 0, partition: 1)

    @Test func aTaskOverItsBoundIsPausedAndResumedOnlyOnceDrainedToHalf() {
        var pressure = BackPressure(maxBufferedBytes: 1000)
        #expect(pressure.update(bufferedBytes: [first: 1000, second: 0], producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(bufferedBytes: [first: 1001, second: 0], producerQueuedRecords: 0) == ([first], []))
        #expect(pressure.update(bufferedBytes: [first: 1500, second: 0], producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(bufferedBytes: [first: 501, second: 0], producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(bufferedBytes: [first: 500, second: 0], producerQueuedRecords: 0) == ([], [first]))
        #expect(pressure.paused.isEmpty)
    }

    @Test func aFullProducerQueuePausesEveryTaskUntilItHasDrainedToHalf() {
        var pressure = BackPressure(maxBufferedBytes: 1000)
        pressure.producerFull(queuedRecords: 10_000)
        #expect(pressure.update(bufferedBytes: [first: 0, second: 3], producerQueuedRecords: 9_000) == ([first, second], []))
        #expect(pressure.update(bufferedBytes: [first: 0, second: 3], producerQueuedRecords: 5_001) == ([], []))
        #expect(pressure.update(bufferedBytes: [first: 0, second: 3], producerQueuedRecords: 5_000) == ([], [first, second]))
    }

    @Test func aTaskOverItsBoundStaysPausedWhenTheProducerDrains() {
        var pressure = BackPressure(maxBufferedBytes: 1000)
        pressure.producerFull(queuedRecords: 100)
        #expect(pressure.update(bufferedBytes: [first: 2000, second: 0], producerQueuedRecords: 100) == ([first, second], []))
        #expect(pressure.update(bufferedBytes: [first: 2000, second: 0], producerQueuedRecords: 0) == ([], [second]))
    }

    @Test func aForgottenTaskIsPausedAgainWhenStillOverItsBound() {
        var pressure = BackPressure(maxBufferedBytes: 1000)
        #expect(pressure.update(bufferedBytes: [first: 2000], producerQueuedRecords: 0) == ([first], []))
        pressure.forget([first])
        #expect(pressure.update(bufferedBytes: [first: 2000], producerQueuedRecords: 0) == ([first], []))
    }
}
