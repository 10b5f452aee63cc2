import Metrics

/// How many records a node received and dropped, kept by the stream thread that runs it and exported as
/// the `tributary_node_records_total` and `tributary_node_dropped_total` counters.
struct NodeStatistics {
    private(set) var received = 0
    private(set) var dropped = 0
    private let receivedCounter: Counter
    private let droppedCounter: Counter

    init(application: String, node: String) {
        let dimensions = [("application", application), ("node", node)]
        receivedCounter = Counter(label: "tributary_node_records_total", dimensions: dimensions)
        droppedCounter = Counter(label: "tributary_node_dropped_total", dimensions: dimensions)
    }

    mutating func recordReceived() {
        received += 1
        receivedCounter.increment()
    }

    mutating func recordDropped() {
        dropped += 1
        droppedCounter.increment()
    }
}
