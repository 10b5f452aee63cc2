import StreamCore

/// An expression as written in a topology file, already parsed.
public struct ExpressionText: Sendable {
    /// The parsed expression.
    public var expression: RecordExpression
    /// Where the expression's first character is.
    public var location: SourceLocation

    public init(_ expression: RecordExpression, at location: SourceLocation) {
        self.expression = expression
        self.location = location
    }

    /// The text as written.
    public var source: String { expression.source }
}
