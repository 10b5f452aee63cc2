/// A sink definition the step parser can read: its own fields, beside the shared ones in
/// ``SinkDeliveryOptions``.
protocol SinkStep: SinkDefinition {
    /// The fields the step takes besides `name`, `batch`, `retry` and `optional`.
    static var fields: [String] { get }

    /// `batch:` when the step has none (`nil`: one record per call).
    static var defaultBatch: SinkDeliveryOptions.Batch? { get }

    /// The most records one call may carry, and why, when the destination has a limit.
    static var batchLimit: (size: Int, reason: String)? { get }

    /// Reads the step's own fields from `fields`, reporting problems to `parser`; `delivery` holds the
    /// shared settings as written, its name defaulting to `KEYWORD-PIPELINE`.
    static func parse(_ fields: YAMLFields, delivery: SinkDeliveryOptions, _ step: StepParser.StepPosition, _ parser: inout StepParser) -> Self?
}

extension SinkStep {
    static var defaultBatch: SinkDeliveryOptions.Batch? { nil }
    static var batchLimit: (size: Int, reason: String)? { nil }
}

/// Every kind of sink step: adding a kind of sink is adding its definition here.
enum SinkKinds {
    static let all: [any SinkStep.Type] = [SalesforceSinkDefinition.self, HTTPSinkDefinition.self, FileSinkDefinition.self]
}
