import StreamCore

/// The compiled form of an expression: a tree whose names are already resolved
/// to root slots and whose functions are already looked up, so evaluation does
/// no string lookups beyond the field names it reads from the data.
indirect enum ExpressionNode: Sendable {
    /// A constant, including any subexpression made only of constants.
    case literal(JSONValue)
    /// The root value at this slot of the scope (`value`, `key`, ...).
    case root(slot: Int)
    /// Field and index steps known at parse time (`value.a[0]["b c"]`), applied
    /// null-safely one after another.
    case path(ExpressionNode, [PathComponent])
    /// A `[...]` step whose index is computed; it selects an array element if it
    /// is an int and an object member if it is a string.
    case dynamicIndex(ExpressionNode, index: ExpressionNode, offset: Int)
    /// An array literal.
    case array([ExpressionNode])
    /// An object literal; keys are distinct and in source order.
    case object(keys: [String], values: [ExpressionNode])
    /// Unary `-`.
    case negate(ExpressionNode, offset: Int)
    /// `not` / `!`.
    case not(ExpressionNode, offset: Int)
    /// `and` / `&&`, short-circuiting.
    case and(ExpressionNode, ExpressionNode, offset: Int)
    /// `or` / `||`, short-circuiting.
    case or(ExpressionNode, ExpressionNode, offset: Int)
    /// A strict binary operator: both operands are always evaluated.
    case binary(BinaryOperator, ExpressionNode, ExpressionNode, offset: Int)
    /// A function call; the function decides when to evaluate its arguments.
    case call(ExpressionFunction, [ExpressionNode], offset: Int)

    /// Whether every direct operand is a constant, so the whole node can be
    /// evaluated once at parse time.
    var hasOnlyLiteralOperands: Bool {
        switch self {
        case .literal, .root:
            return false
        case .path(let base, _), .negate(let base, _), .not(let base, _):
            return base.isLiteral
        case .dynamicIndex(let base, let index, _):
            return base.isLiteral && index.isLiteral
        case .and(let lhs, let rhs, _), .or(let lhs, let rhs, _), .binary(_, let lhs, let rhs, _):
            return lhs.isLiteral && rhs.isLiteral
        case .array(let elements), .object(_, let elements), .call(_, let elements, _):
            return elements.allSatisfy(\.isLiteral)
        }
    }

    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }
}

/// One static step of a field path.
enum PathComponent: Sendable {
    /// `.name` or `["name"]`: the member of an object.
    case field(String)
    /// `[3]`: the element of an array. Negative positions are simply out of range.
    case index(Int)

    /// The step applied to `value`; anything that does not apply (a missing
    /// member, an index out of range, a step into a non-container) is null.
    func select(from value: JSONValue) -> JSONValue {
        switch self {
        case .field(let name):
            guard case .object(let object) = value else { return .null }
            return object[name] ?? .null
        case .index(let position):
            guard case .array(let elements) = value, elements.indices.contains(position) else { return .null }
            return elements[position]
        }
    }
}

/// The strict binary operators, with their semantics.
enum BinaryOperator: String, Sendable {
    case equal = "==", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Applies the operator to already evaluated operands.
    ///
    /// - Parameter offset: where the operator is in the source, for errors.
    func apply(_ lhs: JSONValue, _ rhs: JSONValue, offset: Int) throws(ExpressionEvaluationError) -> JSONValue {
        switch self {
        case .equal:
            return .bool(lhs.isEquivalent(to: rhs))
        case .notEqual:
            return .bool(!lhs.isEquivalent(to: rhs))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return .bool(try compare(lhs, rhs, offset: offset))
        case .add, .subtract, .multiply, .divide, .remainder:
            return try calculate(lhs, rhs, offset: offset)
        }
    }

    private func mismatch(_ lhs: JSONValue, _ rhs: JSONValue, offset: Int) -> ExpressionEvaluationError {
        ExpressionEvaluationError(
            code: .typeMismatch,
            message: "operator '\(rawValue)' cannot be applied to \(lhs.typeName) and \(rhs.typeName)",
            offset: offset
        )
    }

    // MARK: Ordering

    /// Orders two numbers or two strings. A null operand makes every ordering
    /// false (so `value.price > 10` simply filters out records without a price);
    /// any other mix of types is a mistake worth reporting.
    private func compare(_ lhs: JSONValue, _ rhs: JSONValue, offset: Int) throws(ExpressionEvaluationError) -> Bool {
        let order: Int?
        switch (lhs, rhs) {
        case (.null, _), (_, .null):
            return false
        case (.int(let left), .int(let right)):
            order = left < right ? -1 : (left == right ? 0 : 1)
        case (.double(let left), .double(let right)):
            order = left < right ? -1 : (left == right ? 0 : (left > right ? 1 : nil))
        case (.int(let left), .double(let right)):
            order = Self.compare(left, right)
        case (.double(let left), .int(let right)):
            order = Self.compare(right, left).map { -$0 }
        case (.string(let left), .string(let right)):
            order = left < right ? -1 : (left == right ? 0 : 1)
        default:
            throw mismatch(lhs, rhs, offset: offset)
        }
        // NaN is unordered; every comparison with it is false, as in IEEE 754.
        guard let order else { return false }
        switch self {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// Compares an integer with a double exactly (converting the integer to a
    /// double would round above 2^53 and misorder close values).
    ///
    /// - Returns: -1, 0 or 1 as `integer` is below, equal to or above `double`;
    ///   nil if `double` is NaN.
    static func compare(_ integer: Int64, _ double: Double) -> Int? {
        if double.isNaN { return nil }
        // 2^63 is exactly representable; every double at or above it exceeds Int64.max.
        if double >= 9_223_372_036_854_775_808.0 { return -1 }
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = Int64(double.rounded(.towardZero))
        if integer != whole { return integer < whole ? -1 : 1 }
        let fraction = double - Double(whole)
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }

    // MARK: Arithmetic

    /// Arithmetic on numbers (and `+` on strings). Null operands propagate: a
    /// missing field makes the result null rather than failing the record.
    private func calculate(_ lhs: JSONValue, _ rhs: JSONValue, offset: Int) throws(ExpressionEvaluationError) -> JSONValue {
        switch (lhs, rhs) {
        case (.null, _), (_, .null):
            return .null
        case (.int(let left), .int(let right)):
            return try calculate(left, right, offset: offset)
        case (.int(let left), .double(let right)):
            return try calculate(Double(left), right, offset: offset)
        case (.double(let left), .int(let right)):
            return try calculate(left, Double(right), offset: offset)
        case (.double(let left), .double(let right)):
            return try calculate(left, right, offset: offset)
        case (.string(let left), .string(let right)) where self == .add:
            return .string(left + right)
        default:
            throw mismatch(lhs, rhs, offset: offset)
        }
    }

    private func calculate(_ lhs: Int64, _ rhs: Int64, offset: Int) throws(ExpressionEvaluationError) -> JSONValue {
        let result: (partialValue: Int64, overflow: Bool)
        switch self {
        case .add:
            result = lhs.addingReportingOverflow(rhs)
        case .subtract:
            result = lhs.subtractingReportingOverflow(rhs)
        case .multiply:
            result = lhs.multipliedReportingOverflow(by: rhs)
        case .divide:
            guard rhs != 0 else { throw divisionByZero(offset: offset) }
            // Exact quotients stay integers (`10 / 2` is 5, usable as an index or
            // key); inexact ones become doubles (`7 / 2` is 3.5), never truncated.
            guard lhs.remainderReportingOverflow(dividingBy: rhs).partialValue == 0 else {
                return try calculate(Double(lhs), Double(rhs), offset: offset)
            }
            result = lhs.dividedReportingOverflow(by: rhs)
        default:
            guard rhs != 0 else { throw divisionByZero(offset: offset) }
            // Int64.min % -1 "overflows" in hardware, but its value is 0.
            return .int(lhs.remainderReportingOverflow(dividingBy: rhs).partialValue)
        }
        guard !result.overflow else {
            throw ExpressionEvaluationError(
                code: .integerOverflow,
                message: "integer overflow in operator '\(rawValue)' (\(lhs) \(rawValue) \(rhs))",
                offset: offset
            )
        }
        return .int(result.partialValue)
    }

    private func calculate(_ lhs: Double, _ rhs: Double, offset: Int) throws(ExpressionEvaluationError) -> JSONValue {
        let result: Double
        switch self {
        case .add: result = lhs + rhs
        case .subtract: result = lhs - rhs
        case .multiply: result = lhs * rhs
        case .divide:
            guard rhs != 0 else { throw divisionByZero(offset: offset) }
            result = lhs / rhs
        default:
            guard rhs != 0 else { throw divisionByZero(offset: offset) }
            result = lhs.truncatingRemainder(dividingBy: rhs)
        }
        // JSON has no infinity or NaN; failing here names the operator, whereas
        // letting it through would silently serialize as null later.
        guard result.isFinite else {
            throw ExpressionEvaluationError(
                code: .nonFiniteResult,
                message: "operator '\(rawValue)' produced a number too large to represent",
                offset: offset
            )
        }
        return .double(result)
    }

    private func divisionByZero(offset: Int) -> ExpressionEvaluationError {
        ExpressionEvaluationError(
            code: .divisionByZero,
            message: self == .divide ? "division by zero" : "modulo by zero",
            offset: offset
        )
    }
}
