import Testing
@testable import StreamCore

/// When a stream thread's partitions are paused and resumed to keep fetched records bounded in bytes
/// (a difference from Kafka Streams, which bounds each partition's count: docs/DSL.md).
@Suite("Back-pressure")
struct BackPressureTests {
    private let first = TopicPartition("orders", 0)
    private let second = TopicPartition("orders", 1)
    private let third = TopicPartition("payments", 0)
    private var assigned: Set<TopicPartition> { [first, second, third] }

    /// A bound of 1,200 bytes over three partitions: each one's low-water mark is 200 bytes.
    private func makePressure() -> BackPressure { BackPressure(maxBufferedBytes: 1200) }

    /// Over the bound, the partitions holding records pause; the empty one keeps fetching. All resume
    /// once the buffer has drained to half of the bound.
    @Test func overTheBoundThePartitionsHoldingRecordsPauseUntilTheBufferDrainsToHalf() {
        var pressure = makePressure()
        #expect(pressure.update(buffered: [first: 700, second: 500], assigned: assigned, producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(buffered: [first: 701, second: 500], assigned: assigned, producerQueuedRecords: 0) == ([first, second], []))
        #expect(pressure.update(buffered: [first: 900, second: 500], assigned: assigned, producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(buffered: [first: 301, second: 300], assigned: assigned, producerQueuedRecords: 0) == ([], []))
        #expect(pressure.update(buffered: [first: 300, second: 300], assigned: assigned, producerQueuedRecords: 0) == ([], [first, second]))
        #expect(pressure.paused.isEmpty)
    }

    /// A paused partition drained to its low-water mark fetches again before it runs dry (a task may
    /// be about to wait for it), while the others stay paused.
    @Test func aPausedPartitionDrainedToItsLowWaterMarkResumes() {
        var pressure = makePressure()
        #expect(pressure.update(buffered: [first: 1000, second: 1000], assigned: assigned, producerQueuedRecords: 0) == ([first, second], []))
        #expect(pressure.update(buffered: [first: 200, second: 1000], assigned: assigned, producerQueuedRecords: 0) == ([], [first]))
        #expect(pressure.update(buffered: [second: 900], assigned: assigned, producerQueuedRecords: 0) == ([], []))
        // Still over, and refilled: `first` pauses again.
        #expect(pressure.update(buffered: [first: 400, second: 900], assigned: assigned, producerQueuedRecords: 0) == ([first], []))
    }

    @Test func aFullProducerQueuePausesEveryPartitionUntilItHasDrainedToHalf() {
        var pressure = makePressure()
        pressure.producerFull(queuedRecords: 10_000)
        #expect(pressure.update(buffered: [second: 3], assigned: assigned, producerQueuedRecords: 9_000) == (assigned, []))
        #expect(pressure.update(buffered: [second: 3], assigned: assigned, producerQueuedRecords: 5_001) == ([], []))
        #expect(pressure.update(buffered: [second: 3], assigned: assigned, producerQueuedRecords: 5_000) == ([], assigned))
    }

    @Test func partitionsOverTheBoundStayPausedWhenTheProducerDrains() {
        var pressure = makePressure()
        pressure.producerFull(queuedRecords: 100)
        #expect(pressure.update(buffered: [first: 2000], assigned: assigned, producerQueuedRecords: 100) == (assigned, []))
        #expect(pressure.update(buffered: [first: 2000], assigned: assigned, producerQueuedRecords: 0) == ([], [second, third]))
    }

    @Test func aForgottenPartitionIsPausedAgainWhenStillOverTheBound() {
        var pressure = makePressure()
        #expect(pressure.update(buffered: [first: 2000], assigned: assigned, producerQueuedRecords: 0) == ([first], []))
        pressure.forget([first])
        #expect(pressure.update(buffered: [first: 2000], assigned: assigned, producerQueuedRecords: 0) == ([first], []))
    }

    @Test func onlyAssignedPartitionsArePaused() {
        var pressure = makePressure()
        #expect(pressure.update(buffered: [first: 2000, third: 2000], assigned: [first], producerQueuedRecords: 0) == ([first], []))
    }
}
