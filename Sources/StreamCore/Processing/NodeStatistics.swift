import Metrics

/// How many records a node received and dropped, kept by the stream thread that runs it and exported as
/// the `tributary_node_records_total` and `tributary_node_dropped_total` counters; windowed nodes also
/// count late records in `tributary_late_records_total`.
struct NodeStatistics {
    private(set) var received = 0
    private(set) var dropped = 0
    private(set) var late = 0
    private let receivedCounter: Counter
    private let droppedCounter: Counter
    private let lateCounter: Counter?

    init(application: String, node: String, countsLateRecords: Bool) {
        let dimensions = [("application", application), ("node", node)]
        receivedCounter = Counter(label: "tributary_node_records_total", dimensions: dimensions)
        droppedCounter = Counter(label: "tributary_node_dropped_total", dimensions: dimensions)
        lateCounter = countsLateRecords ? Counter(label: "tributary_late_records_total", dimensions: dimensions) : nil
    }

    mutating func recordReceived() {
        received += 1
        receivedCounter.increment()
    }

    mutating func recordDropped() {
        dropped += 1
        droppedCounter.increment()
    }

    mutating func recordLate() {
        late += 1
        lateCounter?.increment()
    }
}
