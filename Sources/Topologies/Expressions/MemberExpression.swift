import StreamCore

/// The argument of a member-binding function (`map_values`, `filter_values`), evaluated once per
/// member of an object with ``ExpressionFunction/memberNames`` (`item`, `name`) set to that member.
///
/// The parser resolves those names to the slots just past the enclosing scope's, so one scope,
/// extended once, serves every member: each evaluation only overwrites the two slots.
struct MemberExpression {
    private let node: ExpressionNode
    private var scope: ExpressionScope
    private let firstSlot: Int

    init(node: ExpressionNode, scope: ExpressionScope) {
        self.node = node
        firstSlot = scope.roots.count
        self.scope = ExpressionScope(
            roots: scope.roots + ExpressionFunction.memberNames,
            values: scope.values + Array(repeating: .null, count: ExpressionFunction.memberNames.count)
        )
    }

    /// The argument's value for the member `name` whose value is `item`.
    mutating func evaluate(item: JSONValue, name: String) throws(ExpressionEvaluationError) -> JSONValue {
        scope[slot: firstSlot] = item
        scope[slot: firstSlot + 1] = .string(name)
        return try node.evaluate(in: scope)
    }
}
