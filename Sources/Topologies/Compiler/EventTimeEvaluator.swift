import StreamCore

/// An expression that gives a record's event time (a source's `event-time`, `set-time`): an ISO-8601
/// time or epoch milliseconds; anything else fails the record, naming the field and what it yielded.
struct EventTimeEvaluator: Sendable {
    private let evaluator: RecordEvaluator
    /// The field the expression is written in, for messages.
    private let field: String

    init(_ expression: ExpressionText, field: String) {
        evaluator = RecordEvaluator(expression)
        self.field = field
    }

    func milliseconds(of record: StreamRecord) throws -> Int64 {
        let value = try evaluator.evaluate(record)
        guard let milliseconds = EventTimestamp.milliseconds(from: value) else {
            throw StepFailure(.invalidEventTime, "\(field) '\(evaluator.expression.source)' yielded \(value.jsonString); expected an ISO-8601 timestamp or epoch milliseconds")
        }
        return milliseconds
    }
}
