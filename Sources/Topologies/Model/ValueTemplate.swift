import StreamCore

/// The shape of a value built by `map`, `map-values` and `flat-map`: a YAML mapping becomes a JSON
/// object with its keys in the written order, a YAML sequence an array, and every scalar an expression.
public indirect enum ValueTemplate: Sendable {
    case expression(ExpressionText)
    case object([(key: String, value: ValueTemplate)])
    case array([ValueTemplate])
}
