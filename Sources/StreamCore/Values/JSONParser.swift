/// Why a byte sequence is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem, for code that reacts differently to each.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String

        /// The input ended in the middle of a value.
        public static let unexpectedEnd = Code(description: "unexpectedEnd")
        /// A byte that cannot appear where it does.
        public static let unexpectedCharacter = Code(description: "unexpectedCharacter")
        /// A malformed string: bad escape, control character, invalid UTF-8, lone surrogate.
        public static let invalidString = Code(description: "invalidString")
        /// A malformed or out-of-range number.
        public static let invalidNumber = Code(description: "invalidNumber")
        /// A complete value followed by something other than whitespace.
        public static let trailingContent = Code(description: "trailingContent")
        /// Arrays and objects nested deeper than ``JSONParser/maximumDepth``.
        public static let nestingTooDeep = Code(description: "nestingTooDeep")
    }

    /// The kind of problem.
    public var code: Code
    /// What was wrong, phrased as what was expected.
    public var message: String
    /// The 0-based offset of the offending byte in the input (the input's length
    /// if it ended too early).
    public var offset: Int

    /// Creates an error; `message` should not repeat the offset.
    public init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The message followed by the offset, e.g. "expected ',' or '}' after object member at byte 17".
    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Strict because records that are almost-JSON should be dead-lettered with a
/// precise reason rather than half-understood: trailing commas, comments, `NaN`,
/// leading zeros, unescaped control characters, invalid UTF-8 and lone surrogates
/// are all rejected. Any value may be the top-level value.
///
/// Numbers without fraction or exponent that fit in `Int64` become `.int`; all
/// others become `.double`, and a number too large for a double is an error.
/// When an object repeats a key, the last value wins and the key keeps the
/// position of its first occurrence.
public enum JSONParser {
    /// How deeply arrays and objects may nest. The parser is recursive, so this
    /// bounds the stack a hostile record can make it use.
    public static let maximumDepth = 512

    /// Parses a complete JSON document.
    ///
    /// - Throws: ``JSONParseError`` at the first problem.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            try parse(buffer)
        }
    }

    /// Parses a complete JSON document given as text; offsets in errors are
    /// UTF-8 byte offsets.
    ///
    /// - Throws: ``JSONParseError`` at the first problem.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        // `withUTF8` only rethrows untyped errors, so carry the result out instead.
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses a complete JSON document in memory the caller owns, such as a Kafka
    /// message payload, without copying it first.
    ///
    /// - Important: `buffer` must stay valid for the duration of the call only;
    ///   the returned value does not reference it.
    /// - Throws: ``JSONParseError`` at the first problem.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: buffer)
        reader.skipWhitespace()
        let value = try reader.readValue()
        reader.skipWhitespace()
        if reader.position < buffer.count {
            throw reader.error(.trailingContent, "unexpected \(reader.describeCurrentByte()) after the JSON value")
        }
        return value
    }
}

/// The parser's cursor over the input. Lives only for one `parse` call.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// Reused across strings that contain escapes, so only the first such string
    /// in a document allocates a buffer.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Errors

    func error(_ code: JSONParseError.Code, _ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(code: code, message: message, offset: offset ?? position)
    }

    /// An error for "found something else where `expectation` should be",
    /// worded differently when the input simply ran out.
    func expected(_ expectation: String) -> JSONParseError {
        if position >= bytes.count {
            return error(.unexpectedEnd, "unexpected end of input, expected \(expectation)")
        }
        return error(.unexpectedCharacter, "expected \(expectation)")
    }

    func describeCurrentByte() -> String {
        guard position < bytes.count else { return "end of input" }
        return Self.describe(bytes[position])
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x\(hex(byte))"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    // MARK: Structure

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                position += 1
            default:
                return
            }
        }
    }

    /// Reads one value starting at `position`, which must not be whitespace.
    mutating func readValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else {
            throw error(.unexpectedEnd, "unexpected end of input, expected a value")
        }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try readObject()
        case UInt8(ascii: "["):
            return try readArray()
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        default:
            throw error(.unexpectedCharacter, "unexpected \(describeCurrentByte()), expected a value")
        }
    }

    mutating func readLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let length = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            guard bytes.count - start >= length else { return false }
            for offset in 0..<length where bytes[start + offset] != expected[offset] {
                return false
            }
            return true
        }
        guard matches else {
            throw error(.unexpectedCharacter, "invalid literal, expected '\(literal)'", at: start)
        }
        position += length
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw error(.nestingTooDeep, "arrays and objects nested deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    mutating func readArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // '['
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try readValue())
            skipWhitespace()
            guard position < bytes.count else { throw expected("',' or ']' after array element") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
                    throw error(.unexpectedCharacter, "trailing comma in array")
                }
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default:
                throw expected("',' or ']' after array element")
            }
        }
    }

    mutating func readObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // '{'
        var object = JSONObject()
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(object)
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw expected("'\"' to start an object key")
            }
            let key = try readString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw expected("':' after object key")
            }
            position += 1
            skipWhitespace()
            object[key] = try readValue()
            skipWhitespace()
            guard position < bytes.count else { throw expected("',' or '}' after object member") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                    throw error(.unexpectedCharacter, "trailing comma in object")
                }
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(object)
            default:
                throw expected("',' or '}' after object member")
            }
        }
    }

    // MARK: Strings

    /// Reads a string starting at its opening quote.
    mutating func readString() throws(JSONParseError) -> String {
        let open = position
        position += 1
        let start = position
        var isASCII = true
        // Fast path: most strings have no escapes and can be decoded straight
        // from the input.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try makeString(content, isASCII: isASCII, start: start)
            }
            if byte == UInt8(ascii: "\\") {
                return try readEscapedString(open: open, start: start)
            }
            if byte < 0x20 {
                throw error(.invalidString, "unescaped control character 0x\(Self.hex(byte)) in string")
            }
            if byte >= 0x80 { isASCII = false }
            position += 1
        }
        throw error(.unexpectedEnd, "unterminated string starting at byte \(open)")
    }

    func makeString(_ content: UnsafeBufferPointer<UInt8>, isASCII: Bool, start: Int) throws(JSONParseError) -> String {
        if isASCII {
            return String(decoding: content, as: UTF8.self)
        }
        guard let string = String(validating: content, as: UTF8.self) else {
            throw error(.invalidString, "invalid UTF-8 in string starting at byte \(start - 1)", at: start - 1)
        }
        return string
    }

    /// Continues reading a string whose first escape is at `position`, decoding
    /// into `scratch`.
    mutating func readEscapedString(open: Int, start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        var isASCII = true
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try scratch.withUnsafeBufferPointer { content throws(JSONParseError) in
                    try makeString(content, isASCII: isASCII, start: start)
                }
            case UInt8(ascii: "\\"):
                let scalar = try readEscape(open: open)
                if scalar.value >= 0x80 { isASCII = false }
                scratch.append(contentsOf: UTF8.encode(scalar)!)
            case 0..<0x20:
                throw error(.invalidString, "unescaped control character 0x\(Self.hex(byte)) in string")
            default:
                if byte >= 0x80 { isASCII = false }
                scratch.append(byte)
                position += 1
            }
        }
        throw error(.unexpectedEnd, "unterminated string starting at byte \(open)")
    }

    /// Reads an escape sequence starting at its backslash, in the string whose
    /// opening quote is at `open`.
    mutating func readEscape(open: Int) throws(JSONParseError) -> Unicode.Scalar {
        let backslash = position
        position += 1
        guard position < bytes.count else {
            throw error(.unexpectedEnd, "unterminated string starting at byte \(open)")
        }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try readHexQuad(escapeStart: backslash)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate must be followed by an escaped low surrogate;
                // together they encode one scalar outside the BMP.
                let lowStart = position
                guard bytes.count - position >= 2,
                      bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u")
                else {
                    throw error(.invalidString, "unpaired surrogate in \\u escape", at: backslash)
                }
                position += 2
                let low = try readHexQuad(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(.invalidString, "unpaired surrogate in \\u escape", at: backslash)
                }
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                return Unicode.Scalar(value)!
            case 0xDC00...0xDFFF:
                throw error(.invalidString, "unpaired surrogate in \\u escape", at: backslash)
            default:
                return Unicode.Scalar(unit)!
            }
        default:
            let shown = letter >= 0x21 && letter < 0x7F ? String(Character(Unicode.Scalar(letter))) : "0x\(Self.hex(letter))"
            throw error(.invalidString, "invalid escape sequence '\\\(shown)'", at: backslash)
        }
    }

    /// Reads the four hex digits after `\u`.
    mutating func readHexQuad(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard bytes.count - position >= 4 else {
            throw error(.invalidString, "invalid \\u escape, expected 4 hex digits", at: escapeStart)
        }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw error(.invalidString, "invalid \\u escape, expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    // MARK: Numbers

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func readNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative { position += 1 }

        guard position < bytes.count, Self.isDigit(bytes[position]) else {
            throw expected("a digit after '-'")
        }
        // Accumulate negatively so that Int64.min, whose magnitude has no positive
        // Int64, is still exact.
        var accumulated: Int64 = 0
        var overflowed = false
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count && Self.isDigit(bytes[position]) {
                throw error(.invalidNumber, "leading zeros are not allowed in numbers", at: start)
            }
        } else {
            while position < bytes.count, Self.isDigit(bytes[position]) {
                let digit = Int64(bytes[position] - UInt8(ascii: "0"))
                if !overflowed {
                    let (shifted, multiplyOverflow) = accumulated.multipliedReportingOverflow(by: 10)
                    let (next, subtractOverflow) = shifted.subtractingReportingOverflow(digit)
                    overflowed = multiplyOverflow || subtractOverflow
                    accumulated = next
                }
                position += 1
            }
        }

        var isInteger = true
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else {
                throw expected("a digit after the decimal point")
            }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < bytes.count, Self.isDigit(bytes[position]) else {
                throw expected("a digit in the exponent")
            }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }

        if isInteger && !overflowed {
            if isNegative { return .int(accumulated) }
            let (positive, negateOverflow) = Int64(0).subtractingReportingOverflow(accumulated)
            if !negateOverflow { return .int(positive) }
        }
        // The grammar above is a subset of what `Double(_:)` accepts, so this
        // conversion cannot fail; it rounds correctly and yields infinity when the
        // magnitude is too large.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw error(.invalidNumber, "number out of range", at: start)
        }
        return .double(double)
    }
}
