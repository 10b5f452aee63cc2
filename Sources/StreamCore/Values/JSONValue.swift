/// A JSON document held in memory: the value type every record value, key and
/// expression result is expressed in.
///
/// Numbers keep the distinction JSON text makes visible: a number written without
/// a fraction or exponent that fits in 64 bits is `.int`, every other number is
/// `.double`. Keeping integers exact matters for ids, counts and offsets, which
/// must survive a parse/serialize round trip unchanged.
///
/// `Equatable` and `Hashable` are *structural*: `.int(1)` and `.double(1.0)` are
/// different values (they serialize differently), while two objects with the same
/// members in a different order are equal (JSON gives key order no meaning). For
/// the numeric equality the expression language needs, use ``isEquivalent(to:)``.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`; also what a missing field reads as in expressions.
    case null
    /// JSON `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int64`.
    case int(Int64)
    /// Any other number. Never NaN or infinite when produced by the parser.
    case double(Double)
    /// A string, already unescaped.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object whose members keep the order they were inserted in.
    case object(JSONObject)
}

// MARK: - Reading values

extension JSONValue {
    /// The name of this value's kind as used in error messages: `null`, `bool`,
    /// `int`, `double`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether this value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean, if this is a `.bool`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an `.int` (a `.double` is not converted, even if integral).
    public var int64Value: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is an `.int` or a `.double`.
    ///
    /// Integers beyond 2^53 are rounded to the nearest representable double.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The string, if this is a `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an `.array`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is an `.object`.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key` if this is an object that has one; `nil` otherwise.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` if this is an array and `index` is in range; `nil` otherwise.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) {
            return elements[index]
        }
        return nil
    }
}

// MARK: - Numeric equivalence

extension JSONValue {
    /// Deep equality in which numbers compare by mathematical value, so `.int(1)`
    /// is equivalent to `.double(1.0)`; objects compare regardless of member order.
    ///
    /// This is the equality of the expression language's `==`. It is not the
    /// `Equatable` conformance because equivalent values may still hash and
    /// serialize differently (`1` versus `1.0`).
    ///
    /// Integer/double comparisons are exact: `.int(9007199254740993)` is not
    /// equivalent to `.double(9007199254740992)` even though converting the
    /// integer to a double would make them look equal.
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null):
            return true
        case (.bool(let lhs), .bool(let rhs)):
            return lhs == rhs
        case (.int(let lhs), .int(let rhs)):
            return lhs == rhs
        case (.double(let lhs), .double(let rhs)):
            return lhs == rhs
        case (.int(let lhs), .double(let rhs)), (.double(let rhs), .int(let lhs)):
            // `Int64(exactly:)` is nil for fractional, non-finite and out-of-range
            // doubles, none of which can equal an integer.
            return Int64(exactly: rhs) == lhs
        case (.string(let lhs), .string(let rhs)):
            return lhs == rhs
        case (.array(let lhs), .array(let rhs)):
            guard lhs.count == rhs.count else { return false }
            for index in lhs.indices where !lhs[index].isEquivalent(to: rhs[index]) {
                return false
            }
            return true
        case (.object(let lhs), .object(let rhs)):
            guard lhs.count == rhs.count else { return false }
            for (key, value) in lhs {
                guard let otherValue = rhs[key], value.isEquivalent(to: otherValue) else { return false }
            }
            return true
        default:
            return false
        }
    }
}

// MARK: - Text

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of this value, so that values print readably in logs
    /// and test failures.
    public var description: String { jsonString }
}

extension JSONValue {
    /// Parses UTF-8 encoded JSON text.
    ///
    /// - Parameter bytes: the complete document; trailing content other than
    ///   whitespace is an error.
    /// - Throws: ``JSONParseError`` naming the byte offset of the first problem.
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        self = try JSONParser.parse(bytes)
    }

    /// Parses JSON text.
    ///
    /// - Throws: ``JSONParseError`` naming the UTF-8 byte offset of the first problem.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.parse(text)
    }

    /// The compact UTF-8 JSON encoding of this value (see ``JSONSerializer``).
    public var jsonBytes: [UInt8] { JSONSerializer.serialize(self) }

    /// The compact JSON text of this value (see ``JSONSerializer``).
    public var jsonString: String { JSONSerializer.serializeToString(self) }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// The value, or `nil` for JSON `null` — for "absent" in Swift (`x.isNull ? nil : x` would give
    /// `.some(.null)`, since `nil` is also a `JSONValue`).
    public var nonNull: JSONValue? {
        isNull ? Optional.none : self
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// A boolean literal is a JSON boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal is a JSON `.int`.
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// A float literal is a JSON `.double`, even if integral (`3.0`).
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal is a JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is a JSON object whose members keep the literal's
    /// order; a repeated key keeps its first position and its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
