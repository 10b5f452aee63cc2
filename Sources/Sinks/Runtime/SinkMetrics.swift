import Metrics

/// A sink's metrics: records by outcome, calls by answer, waiting records, and whether reading is paused.
struct SinkMetrics {
    let sink: String
    /// Records waiting to be sent.
    let waiting: Gauge
    /// 1 while reading is paused (the destination fails, or too much waits).
    let paused: Gauge

    init(sink: String) {
        self.sink = sink
        waiting = Gauge(label: "tributary_sink_waiting_records", dimensions: [("sink", sink)])
        paused = Gauge(label: "tributary_sink_paused", dimensions: [("sink", sink)])
    }

    /// `tributary_sink_records_total{sink, outcome}`: delivered, retried, dead-lettered.
    func records(_ outcome: String) -> Counter {
        Counter(label: "tributary_sink_records_total", dimensions: [("sink", sink), ("outcome", outcome)])
    }

    /// `tributary_sink_calls_total{sink, answer}`.
    func calls(_ delivery: SinkDelivery) -> Counter {
        let answer = switch delivery {
        case .perRecord: "answered"
        case .retryBatch: "failed"
        case .allowanceExhausted: "allowance-exhausted"
        case .fatal: "fatal"
        }
        return Counter(label: "tributary_sink_calls_total", dimensions: [("sink", sink), ("answer", answer)])
    }
}
