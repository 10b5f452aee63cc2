import StreamCore

extension ExpressionFunction {
    /// Functions over arrays: ordering, folding and selecting elements, so that rankings, funnels and
    /// totals over a record's lists (or a list kept in an aggregate) need no step of their own.
    /// The ones taking an expression evaluate it per element, which it sees as `item` (and `index`, or
    /// `acc` for `reduce`), as `flat-map` templates do.
    static let arrayFunctions: [ExpressionFunction] = [
        ExpressionFunction("filter", arguments: 2, binding: .element) { arguments throws(ExpressionEvaluationError) in
            // `filter(array, CONDITION)`: the elements for which CONDITION is true (null counts as false).
            guard let elements = try arguments.array(at: 0) else { return .null }
            var condition = arguments.perElement(at: 1)
            var kept: [JSONValue] = []
            for (index, item) in elements.enumerated() where try condition.holds(item, .int(Int64(index)), arguments, argument: 1) {
                kept.append(item)
            }
            return .array(kept)
        },
        ExpressionFunction("map", arguments: 2, binding: .element) { arguments throws(ExpressionEvaluationError) in
            // `map(array, EXPR)`: EXPR for each element, in order.
            guard let elements = try arguments.array(at: 0) else { return .null }
            var expression = arguments.perElement(at: 1)
            var mapped: [JSONValue] = []
            mapped.reserveCapacity(elements.count)
            for (index, item) in elements.enumerated() { mapped.append(try expression.evaluate(item, .int(Int64(index)))) }
            return .array(mapped)
        },
        ExpressionFunction("reduce", arguments: 3, binding: .fold) { arguments throws(ExpressionEvaluationError) in
            // `reduce(array, initial, EXPR)`: EXPR folded over the elements, seeing the result so far as
            // `acc` and the element as `item`: `reduce(value.items, 0, acc + item.qty * item.price)`.
            guard let elements = try arguments.array(at: 0) else { return .null }
            var result = try arguments.value(at: 1)
            var step = arguments.perElement(at: 2)
            for item in elements { result = try step.evaluate(result, item) }
            return result
        },
        ExpressionFunction("sort", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `sort(array)`: numbers or strings in ascending order, nulls last.
            guard let elements = try arguments.array(at: 0) else { return .null }
            return .array(try sorted(elements, by: elements, arguments, argument: 0))
        },
        ExpressionFunction("sort_by", arguments: 2, binding: .element) { arguments throws(ExpressionEvaluationError) in
            // `sort_by(array, EXPR)`: the elements ordered by EXPR (a number or a string), ascending,
            // elements with equal or null keys in their original order (null keys last):
            // `sort_by(value.steps, item.at)`; `sort_by(value.items, -item.price)` for descending.
            guard let elements = try arguments.array(at: 0) else { return .null }
            var expression = arguments.perElement(at: 1)
            var keys: [JSONValue] = []
            keys.reserveCapacity(elements.count)
            for (index, item) in elements.enumerated() { keys.append(try expression.evaluate(item, .int(Int64(index)))) }
            return .array(try sorted(elements, by: keys, arguments, argument: 1))
        },
        ExpressionFunction("reverse", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .array(let elements): return .array(elements.reversed())
            case .string(let string): return .string(String(string.reversed()))
            case let other: throw arguments.mismatch(argument: 0, expected: "an array or a string", got: other)
            }
        },
        ExpressionFunction("distinct", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `distinct(array)`: each element once, at its first position (equality as `==`: 1 equals 1.0).
            guard let elements = try arguments.array(at: 0) else { return .null }
            var result: [JSONValue] = []
            for element in elements where !result.contains(where: { $0.isEquivalent(to: element) }) { result.append(element) }
            return .array(result)
        },
        ExpressionFunction("slice", arguments: 2...3) { arguments throws(ExpressionEvaluationError) in
            // `slice(x, start, end)`: the elements (or characters) from `start` up to but not including
            // `end` (default: the end); negative positions count from the end, as in Python and
            // JavaScript, and a range past either end is cut: `slice(value.steps, -3)` is the last three.
            let start = try arguments.position(at: 1)
            let end = arguments.count > 2 ? try arguments.position(at: 2) : nil
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case .array(let elements):
                return .array(Array(elements[clampedRange(start: start, end: end, count: elements.count)]))
            case .string(let string):
                let characters = Array(string)
                return .string(String(characters[clampedRange(start: start, end: end, count: characters.count)]))
            case let other:
                throw arguments.mismatch(argument: 0, expected: "an array or a string", got: other)
            }
        },
        ExpressionFunction("index_of", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `index_of(x, y)`: the 0-based position of the first element equal to `y` (or of the first
            // occurrence of the text `y`, in characters); -1 if there is none.
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case .array(let elements):
                let wanted = try arguments.value(at: 1)
                return .int(Int64(elements.firstIndex { $0.isEquivalent(to: wanted) } ?? -1))
            case .string(let string):
                guard let part = try arguments.string(at: 1) else { return .null }
                guard let range = string.range(of: part) else { return .int(-1) }
                return .int(Int64(string.distance(from: string.startIndex, to: range.lowerBound)))
            case let other:
                throw arguments.mismatch(argument: 0, expected: "an array or a string", got: other)
            }
        },
        ExpressionFunction("sum", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `sum(array)`: the total of the numbers, nulls skipped (as SQL's SUM); 0 for no numbers.
            guard let numbers = try arguments.numbers(at: 0) else { return .null }
            return try total(numbers, offset: arguments.offset)
        },
        ExpressionFunction("avg", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `avg(array)`: the mean of the numbers, nulls skipped (as SQL's AVG); null for no numbers.
            guard let numbers = try arguments.numbers(at: 0), !numbers.isEmpty else { return .null }
            return try BinaryOperator.divide.apply(try total(numbers, offset: arguments.offset), .int(Int64(numbers.count)), offset: arguments.offset)
        },
    ]

    /// The sum of numbers, exact for integers (an overflow is an error, as with `+`).
    private static func total(_ numbers: [JSONValue], offset: Int) throws(ExpressionEvaluationError) -> JSONValue {
        var sum = JSONValue.int(0)
        for number in numbers { sum = try BinaryOperator.add.apply(sum, number, offset: offset) }
        return sum
    }

    /// `elements` ordered by `keys` (one per element): numbers or strings ascending, null keys last,
    /// equal keys in their original order.
    private static func sorted(_ elements: [JSONValue], by keys: [JSONValue], _ arguments: ExpressionArguments, argument: Int) throws(ExpressionEvaluationError) -> [JSONValue] {
        var kind: JSONValue?
        for key in keys where !key.isNull {
            switch (kind, key) {
            case (_, .bool), (_, .array), (_, .object):
                throw arguments.mismatch(argument: argument, expected: "numbers or strings to sort by", got: key)
            case (nil, _), (.string?, .string), (.int?, .int), (.int?, .double), (.double?, .int), (.double?, .double):
                kind = key
            default:
                throw arguments.mismatch(argument: argument, expected: "keys of one type to sort by (numbers or strings)", got: key)
            }
        }
        let order = keys.indices.sorted { left, right in
            switch (keys[left], keys[right]) {
            case (.null, .null): return left < right
            case (.null, _): return false
            case (_, .null): return true
            case let (lhs, rhs):
                let comparison = ascendingOrder(lhs, rhs)
                return comparison == 0 ? left < right : comparison < 0
            }
        }
        return order.map { elements[$0] }
    }

    /// -1, 0 or 1 for two numbers or two strings; integers and doubles compared exactly, NaN last.
    private static func ascendingOrder(_ lhs: JSONValue, _ rhs: JSONValue) -> Int {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)): return left < right ? -1 : (left == right ? 0 : 1)
        case (.int(let left), .int(let right)): return left < right ? -1 : (left == right ? 0 : 1)
        case (.int(let left), .double(let right)): return BinaryOperator.compare(left, right) ?? -1
        case (.double(let left), .int(let right)): return BinaryOperator.compare(right, left).map { -$0 } ?? 1
        case (.double(let left), .double(let right)):
            if left.isNaN || right.isNaN { return left.isNaN ? (right.isNaN ? 0 : 1) : -1 }
            return left < right ? -1 : (left == right ? 0 : 1)
        default: return 0
        }
    }

    /// The indices `start..<end` of a collection of `count` elements, negative positions counting from
    /// the end and both cut to the collection.
    private static func clampedRange(start: Int, end: Int?, count: Int) -> Range<Int> {
        func resolved(_ position: Int) -> Int { min(max(position < 0 ? count + position : position, 0), count) }
        let lower = resolved(start)
        return lower..<max(lower, resolved(end ?? count))
    }
}

extension ExpressionArguments {
    /// Evaluates argument `index` as an array; nil if it is null.
    func array(at index: Int) throws(ExpressionEvaluationError) -> [JSONValue]? {
        switch try value(at: index) {
        case .null: return nil
        case .array(let elements): return elements
        case let other: throw mismatch(argument: index, expected: "an array", got: other)
        }
    }

    /// Evaluates argument `index` as an array of numbers, without its null elements; nil if it is null.
    func numbers(at index: Int) throws(ExpressionEvaluationError) -> [JSONValue]? {
        guard let elements = try array(at: index) else { return nil }
        var numbers: [JSONValue] = []
        for element in elements where !element.isNull {
            guard element.doubleValue != nil else { throw mismatch(argument: index, expected: "an array of numbers", got: element) }
            numbers.append(element)
        }
        return numbers
    }

    /// Evaluates argument `index` as an integer position (negative counts from the end).
    func position(at index: Int) throws(ExpressionEvaluationError) -> Int {
        let value = try value(at: index)
        guard case .int(let position) = value, let small = Int(exactly: position) else {
            throw mismatch(argument: index, expected: "an integer position", got: value)
        }
        return small
    }
}

extension BoundExpression {
    /// Evaluates a condition: true or false, null counting as false; anything else is the function's
    /// type mismatch for `argument`.
    mutating func holds(_ first: JSONValue, _ second: JSONValue, _ arguments: ExpressionArguments, argument: Int) throws(ExpressionEvaluationError) -> Bool {
        switch try evaluate(first, second) {
        case .bool(let flag): return flag
        case .null: return false
        case let other: throw arguments.mismatch(argument: argument, expected: "a condition giving a bool or null", got: other)
        }
    }
}
