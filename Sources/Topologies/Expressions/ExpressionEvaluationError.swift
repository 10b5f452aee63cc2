/// Why an expression could not be evaluated for a particular record.
///
/// Unlike syntax errors these depend on the data — a string where a number was
/// expected, a division by zero — so they surface per record, where the caller
/// typically dead-letters the record with this error's description.
public struct ExpressionEvaluationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers and tests that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String

        /// An operator or function applied to values of the wrong types.
        public static let typeMismatch = Code(description: "typeMismatch")
        /// Division or modulo by zero.
        public static let divisionByZero = Code(description: "divisionByZero")
        /// Integer arithmetic whose result does not fit in 64 bits.
        public static let integerOverflow = Code(description: "integerOverflow")
        /// Floating-point arithmetic whose result is infinite or NaN, which JSON
        /// cannot represent.
        public static let nonFiniteResult = Code(description: "nonFiniteResult")
        /// A filter expression that yielded something other than a boolean or null.
        public static let notBoolean = Code(description: "notBoolean")
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, naming the operator or function and the types involved,
    /// e.g. "operator '-' cannot be applied to string and int".
    public var message: String
    /// The 0-based `Character` offset in ``source`` of the operator, function name
    /// or bracket whose evaluation failed.
    public var offset: Int
    /// The complete expression text.
    public var source: String

    /// Creates an error.
    public init(code: Code, message: String, offset: Int, source: String) {
        self.code = code
        self.message = message
        self.offset = offset
        self.source = source
    }

    /// Creates an error raised while evaluating a node; ``RecordExpression`` fills in
    /// `source` as the error leaves it, so nodes need not carry the text around.
    init(code: Code, message: String, offset: Int) {
        self.init(code: code, message: message, offset: offset, source: "")
    }

    /// The message followed by the expression, e.g.
    /// "operator '-' cannot be applied to string and int in expression: value.name - 1".
    public var description: String { "\(message) in expression: \(source)" }
}
