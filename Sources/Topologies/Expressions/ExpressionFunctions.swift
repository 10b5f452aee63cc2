import Foundation
import StreamCore

/// A function callable from expressions: its name, how many arguments it takes
/// and what it does.
///
/// Adding a function means adding one entry to ``builtins``; the parser checks
/// names and argument counts against this table, so a misspelt or misused
/// function fails when the topology loads rather than on the first record.
struct ExpressionFunction: Sendable {
    /// Computes the result. Arguments are evaluated on demand through
    /// ``ExpressionArguments``, which lets `if` and `coalesce` skip the ones
    /// they do not need and costs no array allocation per call.
    typealias Implementation = @Sendable (ExpressionArguments) throws(ExpressionEvaluationError) -> JSONValue

    /// The name used in expressions.
    let name: String
    /// The fewest arguments a call may pass.
    let minimumArguments: Int
    /// The most arguments a call may pass; nil for variadic functions.
    let maximumArguments: Int?
    /// The names the later arguments see when the function evaluates them once per element of a
    /// collection (`map_values(counts, item * 2)`, `filter(value.items, item.qty > 1)`); nil for a
    /// function whose arguments are plain expressions.
    let binding: ArgumentBinding?
    /// The behaviour.
    let implementation: Implementation

    init(_ name: String, arguments: Int, binding: ArgumentBinding? = nil, _ implementation: @escaping Implementation) {
        self.init(name, minimum: arguments, maximum: arguments, binding: binding, implementation)
    }

    init(_ name: String, arguments range: ClosedRange<Int>, binding: ArgumentBinding? = nil, _ implementation: @escaping Implementation) {
        self.init(name, minimum: range.lowerBound, maximum: range.upperBound, binding: binding, implementation)
    }

    init(_ name: String, atLeast minimum: Int, _ implementation: @escaping Implementation) {
        self.init(name, minimum: minimum, maximum: nil, binding: nil, implementation)
    }

    private init(_ name: String, minimum: Int, maximum: Int?, binding: ArgumentBinding?, _ implementation: @escaping Implementation) {
        self.name = name
        self.minimumArguments = minimum
        self.maximumArguments = maximum
        self.binding = binding
        self.implementation = implementation
    }

    /// Whether a call with `count` arguments is valid.
    func accepts(argumentCount count: Int) -> Bool {
        count >= minimumArguments && (maximumArguments.map { count <= $0 } ?? true)
    }

    /// The arity as a sentence fragment, e.g. "takes 1 argument", "takes at least 2 arguments".
    var arityDescription: String {
        func arguments(_ count: Int) -> String { count == 1 ? "1 argument" : "\(count) arguments" }
        switch maximumArguments {
        case nil: return "takes at least \(arguments(minimumArguments))"
        case minimumArguments: return "takes \(arguments(minimumArguments))"
        case let maximum?: return "takes \(minimumArguments) to \(arguments(maximum))"
        }
    }
}

/// The names a collection function's later arguments see for each element, and from which argument on.
struct ArgumentBinding: Sendable {
    /// The bound names, innermost binding winning over the enclosing scope's names.
    let names: [String]
    /// The position of the first argument evaluated per element; the ones before it are evaluated
    /// once, in the enclosing scope (the collection itself, `reduce`'s initial value).
    let firstBoundArgument: Int

    /// An object's member: its value and its name (`map_values`, `filter_values`).
    static let member = ArgumentBinding(names: ["item", "name"], firstBoundArgument: 1)
    /// An array's element: the element and its 0-based position, as in `flat-map` (`filter`, `map`, `sort_by`).
    static let element = ArgumentBinding(names: ["item", "index"], firstBoundArgument: 1)
    /// A fold: the result so far and the element (`reduce`).
    static let fold = ArgumentBinding(names: ["acc", "item"], firstBoundArgument: 2)
}

/// The arguments of one call, evaluated when the function asks for them.
struct ExpressionArguments {
    /// The called function's name, for error messages.
    let functionName: String
    /// What the function's later arguments see per element, if it binds names.
    let binding: ArgumentBinding?
    let nodes: [ExpressionNode]
    let scope: ExpressionScope
    /// Where the call is in the source, for errors.
    let offset: Int

    /// How many arguments the call passes.
    var count: Int { nodes.count }

    /// Evaluates argument `index` (0-based).
    func value(at index: Int) throws(ExpressionEvaluationError) -> JSONValue {
        try nodes[index].evaluate(in: scope)
    }

    /// Argument `index` of a binding function, ready to be evaluated once per element.
    ///
    /// - Precondition: the function has a ``binding`` and `index` is at or past its first bound argument.
    func perElement(at index: Int) -> BoundExpression {
        BoundExpression(node: nodes[index], scope: scope, names: binding!.names)
    }

    /// Evaluates argument `index` as a string; nil if it is null.
    ///
    /// - Throws: a type mismatch if it is neither a string nor null.
    func string(at index: Int) throws(ExpressionEvaluationError) -> String? {
        switch try value(at: index) {
        case .string(let string): return string
        case .null: return nil
        case let other: throw mismatch(argument: index, expected: "a string", got: other)
        }
    }

    /// Evaluates argument `index` as a non-negative integer: how many elements to keep.
    func count(at index: Int) throws(ExpressionEvaluationError) -> Int {
        guard case .int(let count) = try value(at: index), count >= 0 else {
            throw mismatch(argument: index, expected: "a non-negative integer", got: try value(at: index))
        }
        return Int(count)
    }

    /// Evaluates argument `index` as an array and argument `countIndex` as a non-negative count; nil
    /// if the array is null.
    func array(at index: Int, limitedBy countIndex: Int) throws(ExpressionEvaluationError) -> (elements: [JSONValue], count: Int)? {
        let count = try count(at: countIndex)
        switch try value(at: index) {
        case .null: return nil
        case .array(let elements): return (elements, count)
        case let other: throw mismatch(argument: index, expected: "an array", got: other)
        }
    }

    /// The error for an argument of the wrong type, e.g.
    /// "function 'lower' expects a string for argument 1, got int".
    func mismatch(argument index: Int, expected: String, got value: JSONValue) -> ExpressionEvaluationError {
        ExpressionEvaluationError(
            code: .typeMismatch,
            message: "function '\(functionName)' expects \(expected) for argument \(index + 1), got \(value.typeName)",
            offset: offset
        )
    }
}

extension ExpressionFunction {
    /// Every function expressions can call.
    static let builtins: [ExpressionFunction] = [
        // Strings. Null in, null out, so missing fields flow through.
        ExpressionFunction("lower", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            try arguments.string(at: 0).map { .string($0.lowercased()) } ?? .null
        },
        ExpressionFunction("upper", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            try arguments.string(at: 0).map { .string($0.uppercased()) } ?? .null
        },
        ExpressionFunction("trim", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            try arguments.string(at: 0).map { .string(trimmingWhitespace($0)) } ?? .null
        },
        ExpressionFunction("starts_with", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            guard let string = try arguments.string(at: 0), let prefix = try arguments.string(at: 1) else { return .null }
            return .bool(string.hasPrefix(prefix))
        },
        ExpressionFunction("ends_with", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            guard let string = try arguments.string(at: 0), let suffix = try arguments.string(at: 1) else { return .null }
            return .bool(string.hasSuffix(suffix))
        },
        ExpressionFunction("contains", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case .string(let string):
                guard let part = try arguments.string(at: 1) else { return .null }
                return .bool(part.isEmpty || string.contains(part))
            case .array(let elements):
                // Membership uses `==` semantics, so null can be found too.
                let element = try arguments.value(at: 1)
                return .bool(elements.contains { $0.isEquivalent(to: element) })
            case let other:
                throw arguments.mismatch(argument: 0, expected: "a string or an array", got: other)
            }
        },
        ExpressionFunction("substring", arguments: 3) { arguments throws(ExpressionEvaluationError) in
            // `substring(s, start, length)` in characters; a range past either end is cut to the string.
            guard let string = try arguments.string(at: 0) else { return .null }
            guard case .int(let start) = try arguments.value(at: 1), start >= 0 else {
                throw arguments.mismatch(argument: 1, expected: "a non-negative integer", got: try arguments.value(at: 1))
            }
            guard case .int(let length) = try arguments.value(at: 2), length >= 0 else {
                throw arguments.mismatch(argument: 2, expected: "a non-negative integer", got: try arguments.value(at: 2))
            }
            return .string(String(string.dropFirst(Int(start)).prefix(Int(length))))
        },
        ExpressionFunction("concat", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            // Nulls are skipped so that optional parts simply drop out.
            var result = ""
            for index in 0..<arguments.count {
                if let text = textForm(of: try arguments.value(at: index)) {
                    result += text
                }
            }
            return .string(result)
        },
        ExpressionFunction("pluck", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `pluck(array, name)`: the field `name` of each object element (null for other elements),
            // so `contains(pluck(value.products, "product_id"), "P7")` asks about a field of a list.
            guard let name = try arguments.string(at: 1) else { return .null }
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .array(let elements): return .array(elements.map { element in element[name] ?? .null })
            case let other: throw arguments.mismatch(argument: 0, expected: "an array", got: other)
            }
        },
        ExpressionFunction("top_keys", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `top_keys(counts, n)`: the names of the n members with the largest numbers, ties by name,
            // for "top categories" kept as an object of counts in an aggregate.
            let count = try arguments.count(at: 1)
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case .object(let object):
                return .array(object.rankedByNumber().prefix(count).map { .string($0.name) })
            case let other:
                throw arguments.mismatch(argument: 0, expected: "an object of numbers", got: other)
            }
        },
        ExpressionFunction("join", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `join(array, separator)`: the elements' text between separators (a Salesforce
            // multi-select picklist is "a;b;c"); null elements are skipped.
            guard let separator = try arguments.string(at: 1) else { return .null }
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .array(let elements): return .string(elements.compactMap(textForm(of:)).joined(separator: separator))
            case let other: throw arguments.mismatch(argument: 0, expected: "an array", got: other)
            }
        },
        ExpressionFunction("append", atLeast: 2) { arguments throws(ExpressionEvaluationError) in
            // `append(array, x, ...)`: a copy with the elements added at the end (null counts as empty),
            // for histories kept in an aggregate.
            var result: [JSONValue]
            switch try arguments.value(at: 0) {
            case .null: result = []
            case .array(let elements): result = elements
            case let other: throw arguments.mismatch(argument: 0, expected: "an array or null", got: other)
            }
            for index in 1..<arguments.count { result.append(try arguments.value(at: index)) }
            return .array(result)
        },
        ExpressionFunction("take_last", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `take_last(array, n)`: the last n elements, so a history kept in state stays bounded.
            try arguments.array(at: 0, limitedBy: 1).map { elements, count in .array(Array(elements.suffix(count))) } ?? .null
        },
        ExpressionFunction("take_first", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `take_first(array, n)`: the first n elements, to cut a ranked list to its length.
            try arguments.array(at: 0, limitedBy: 1).map { elements, count in .array(Array(elements.prefix(count))) } ?? .null
        },
        ExpressionFunction("union", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            // The distinct elements of the arrays, in first-seen order: sets kept as arrays in state
            // (products viewed in a session). Null arguments count as empty.
            var result: [JSONValue] = []
            for index in 0..<arguments.count {
                switch try arguments.value(at: index) {
                case .null:
                    continue
                case .array(let elements):
                    for element in elements where !result.contains(where: { $0.isEquivalent(to: element) }) { result.append(element) }
                case let other:
                    throw arguments.mismatch(argument: index, expected: "an array or null", got: other)
                }
            }
            return .array(result)
        },
        ExpressionFunction("length", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .string(let string): return .int(Int64(string.count))
            case .array(let elements): return .int(Int64(elements.count))
            case .object(let object): return .int(Int64(object.count))
            case let other: throw arguments.mismatch(argument: 0, expected: "a string, an array or an object", got: other)
            }
        },

        // Conversions.
        ExpressionFunction("epoch_ms", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `epoch_ms(time)`: an ISO-8601 time (or epoch milliseconds) as epoch milliseconds, for
            // arithmetic on times ("within 24 hours"); text that is no time gives null.
            EventTimestamp.milliseconds(from: try arguments.value(at: 0)).map { .int($0) } ?? .null
        },
        ExpressionFunction("iso_time", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // `iso_time(timestamp)`: epoch milliseconds (or an ISO time) as ISO-8601 UTC, as window
            // bounds are written, so records carry readable times (`updated_at: iso_time(timestamp)`).
            EventTimestamp.milliseconds(from: try arguments.value(at: 0)).map { .string(EventTimestamp.formatISO8601($0)) } ?? .null
        },

        ExpressionFunction("min", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            try extreme(arguments, keeping: <)
        },
        ExpressionFunction("max", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            try extreme(arguments, keeping: >)
        },
        ExpressionFunction("round", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `round(x, digits)`: to that many decimals, halves away from zero, so money summed in an
            // aggregate stays exact to the cent (`round(aggregate.revenue + value.total, 2)`).
            guard case .int(let digits) = try arguments.value(at: 1), (0...9).contains(digits) else {
                throw arguments.mismatch(argument: 1, expected: "a number of decimals from 0 to 9", got: try arguments.value(at: 1))
            }
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .int(let integer): return .int(integer)
            case .double(let number):
                let scale = pow(10.0, Double(digits))
                let rounded = (number * scale).rounded(.toNearestOrAwayFromZero) / scale
                return digits == 0 && abs(rounded) < 9e15 ? .int(Int64(rounded)) : .double(rounded)
            case let other: throw arguments.mismatch(argument: 0, expected: "a number", got: other)
            }
        },
        ExpressionFunction("to_string", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            textForm(of: try arguments.value(at: 0)).map { .string($0) } ?? .null
        },
        ExpressionFunction("to_number", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case let number where number.doubleValue != nil:
                return number
            case .string(let text):
                // Text that is not a JSON number is a data problem, not a mistake
                // in the expression: it reads as null, like a missing field, so
                // `coalesce(to_number(...), 0)` can supply a default.
                switch try? JSONParser.parse(text) {
                case let number? where number.doubleValue != nil: return number
                default: return decimalNumber(text)
                }
            case let other:
                throw arguments.mismatch(argument: 0, expected: "a string or a number", got: other)
            }
        },

        // Nulls and choices.
        ExpressionFunction("is_null", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            .bool(try arguments.value(at: 0).isNull)
        },
        ExpressionFunction("type_of", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // JSON's own type names, so `type_of(value) == "object"` reads as the JSON spec does.
            switch try arguments.value(at: 0) {
            case .null: "null"
            case .bool: "boolean"
            case .int, .double: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        },
        ExpressionFunction("with", atLeast: 3) { arguments throws(ExpressionEvaluationError) in
            // `with(object, name, value, ...)`: a copy of the object with those fields set (added at the
            // end, or replaced in place), so a step can enrich a value without listing every field.
            guard case .object(var object) = try arguments.value(at: 0) else {
                throw arguments.mismatch(argument: 0, expected: "an object", got: try arguments.value(at: 0))
            }
            guard arguments.count % 2 == 1 else {
                throw arguments.mismatch(argument: arguments.count - 1, expected: "a field name followed by its value", got: try arguments.value(at: arguments.count - 1))
            }
            for index in stride(from: 1, to: arguments.count, by: 2) {
                guard case .string(let name) = try arguments.value(at: index) else {
                    throw arguments.mismatch(argument: index, expected: "a field name (a string)", got: try arguments.value(at: index))
                }
                object[name] = try arguments.value(at: index + 1)
            }
            return .object(object)
        },
        ExpressionFunction("merge", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            // `merge(object, ...)`: the fields of later objects set on a copy of the first, so an
            // aggregate's adder can state only what a record changes (`merge(aggregate, {status: "X"})`).
            // Null arguments add nothing.
            var merged = JSONObject()
            for index in 0..<arguments.count {
                switch try arguments.value(at: index) {
                case .null: continue
                case .object(let object): for (name, value) in object { merged[name] = value }
                case let other: throw arguments.mismatch(argument: index, expected: "an object or null", got: other)
                }
            }
            return .object(merged)
        },
        ExpressionFunction("without", atLeast: 2) { arguments throws(ExpressionEvaluationError) in
            // `without(object, name, ...)`: a copy without those fields, for maps kept in state
            // (reservations by id) whose entries come and go. A name argument may be an array of names
            // (`without(scores, aggregate.bought)`), and on an array it removes elements instead.
            var removed: [JSONValue] = []
            for index in 1..<arguments.count {
                switch try arguments.value(at: index) {
                case .array(let elements): removed += elements
                case let single: removed.append(single)
                }
            }
            switch try arguments.value(at: 0) {
            case .null:
                return .null
            case .object(var object):
                for case .string(let name) in removed { object.removeValue(forKey: name) }
                return .object(object)
            case .array(let elements):
                return .array(elements.filter { element in !removed.contains { $0.isEquivalent(to: element) } })
            case let other:
                throw arguments.mismatch(argument: 0, expected: "an object or an array", got: other)
            }
        },
        ExpressionFunction("values", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            // The members' values in order, so a map kept in state can be fanned out by `flat-map`.
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .object(let object): return .array(object.values)
            case let other: throw arguments.mismatch(argument: 0, expected: "an object", got: other)
            }
        },
        ExpressionFunction("keys", arguments: 1) { arguments throws(ExpressionEvaluationError) in
            switch try arguments.value(at: 0) {
            case .null: return .null
            case .object(let object): return .array(object.keys.map { .string($0) })
            case let other: throw arguments.mismatch(argument: 0, expected: "an object", got: other)
            }
        },
        ExpressionFunction("cases", atLeast: 3) { arguments throws(ExpressionEvaluationError) in
            // `cases(condition, result, ..., otherwise)`: the result of the first condition that holds,
            // for rule lists that nested `if`s would make unreadable. Only what is needed is evaluated.
            guard arguments.count % 2 == 1 else {
                throw arguments.mismatch(argument: arguments.count - 1, expected: "a last argument for when no condition holds", got: try arguments.value(at: arguments.count - 1))
            }
            for index in stride(from: 0, to: arguments.count - 1, by: 2) {
                switch try arguments.value(at: index) {
                case .bool(true): return try arguments.value(at: index + 1)
                case .bool(false), .null: continue
                case let other: throw arguments.mismatch(argument: index, expected: "a bool or null", got: other)
                }
            }
            return try arguments.value(at: arguments.count - 1)
        },
        ExpressionFunction("env", arguments: 2) { arguments throws(ExpressionEvaluationError) in
            // `env(name, default)`: a setting from the environment, read when the topology loads (the
            // call is constant), so a threshold can differ per deployment without editing the file.
            // Text holding a JSON number or boolean is that value; unset or empty gives `default`.
            guard let name = try arguments.string(at: 0) else {
                throw arguments.mismatch(argument: 0, expected: "a variable name", got: .null)
            }
            guard let text = ExpressionEnvironment.value(of: name), !text.isEmpty else { return try arguments.value(at: 1) }
            switch try? JSONParser.parse(text) {
            case let parsed? where parsed.doubleValue != nil || parsed.boolValue != nil: return parsed
            default: return .string(text)
            }
        },
        ExpressionFunction("coalesce", atLeast: 1) { arguments throws(ExpressionEvaluationError) in
            for index in 0..<arguments.count {
                let value = try arguments.value(at: index)
                if !value.isNull { return value }
            }
            return .null
        },
        ExpressionFunction("if", arguments: 3) { arguments throws(ExpressionEvaluationError) in
            // Only the chosen branch is evaluated, so it can guard against errors
            // in the other (`if(value.n == 0, 0, 100 / value.n)`).
            switch try arguments.value(at: 0) {
            case .bool(true): return try arguments.value(at: 1)
            case .bool(false), .null: return try arguments.value(at: 2)
            case let other: throw arguments.mismatch(argument: 0, expected: "a bool or null", got: other)
            }
        },
        ExpressionFunction("one_of", atLeast: 2) { arguments throws(ExpressionEvaluationError) in
            let candidate = try arguments.value(at: 0)
            for index in 1..<arguments.count {
                if candidate.isEquivalent(to: try arguments.value(at: index)) { return .bool(true) }
            }
            return .bool(false)
        },
    ] + objectFunctions + arrayFunctions

    /// `min`/`max`: the number that `keeps` over every other argument; null if any argument is null
    /// (like arithmetic), so a missing figure is not silently ignored. A single array argument is the
    /// list of numbers instead, with nulls skipped as in `sum` (SQL's MIN/MAX); null if it has none.
    private static func extreme(_ arguments: ExpressionArguments, keeping keeps: (Double, Double) -> Bool) throws(ExpressionEvaluationError) -> JSONValue {
        var best: (value: JSONValue, number: Double)?
        func consider(_ value: JSONValue) {
            if let number = value.doubleValue, best == nil || keeps(number, best!.number) { best = (value, number) }
        }
        if arguments.count == 1, case .array = try arguments.value(at: 0) {
            for number in try arguments.numbers(at: 0) ?? [] { consider(number) }
            return best?.value ?? .null
        }
        for index in 0..<arguments.count {
            let value = try arguments.value(at: index)
            if value.isNull { return .null }
            guard value.doubleValue != nil else { throw arguments.mismatch(argument: index, expected: "a number", got: value) }
            consider(value)
        }
        return best!.value
    }

    /// ``builtins`` by name, for the parser.
    static let byName: [String: ExpressionFunction] = Dictionary(
        uniqueKeysWithValues: builtins.map { ($0.name, $0) }
    )

    /// The names of all functions, sorted, for "unknown function" messages.
    static let knownNames: String = builtins.map(\.name).sorted().joined(separator: ", ")

    /// The `to_string` form of a value: strings as they are, numbers and booleans
    /// as JSON writes them, arrays and objects as compact JSON; nil for null.
    static func textForm(of value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .string(let string): string
        case .bool(let flag): flag ? "true" : "false"
        case .int(let integer): String(integer)
        case .double, .array, .object: value.jsonString
        }
    }

    /// `string` without leading and trailing whitespace (including newlines).
    static func trimmingWhitespace(_ string: String) -> String {
        guard let first = string.firstIndex(where: { !$0.isWhitespace }),
              let last = string.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(string[first...last])
    }
}

/// Decimal text that is not JSON number text, as Java's `Integer.valueOf`/`Double.valueOf` read it: a
/// leading `+` or zeros (`"+7"`, `"007"`), `"1."`; `null` for anything else (`"0x10"`, `"NaN"`).
private func decimalNumber(_ text: String) -> JSONValue {
    guard text.wholeMatch(of: /[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?/) != nil else { return .null }
    if let integer = Int64(text) { return .int(integer) }
    if let double = Double(text), double.isFinite { return .double(double) }
    return .null
}
