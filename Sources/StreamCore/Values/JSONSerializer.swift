/// Writes ``JSONValue``s as compact UTF-8 JSON text.
///
/// The output has no insignificant whitespace and keeps object members in their
/// order. Doubles are written in the shortest form that parses back to the same
/// double (Swift's `description`), which keeps a fraction or exponent on
/// integral doubles (`3.0`, `1e+16`) so that they read back as doubles, not ints.
/// JSON cannot express NaN or infinity; they are written as `null`.
public enum JSONSerializer {
    /// The compact JSON encoding of `value`.
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        serialize(value, into: &bytes)
        return bytes
    }

    /// Appends the compact JSON encoding of `value` to `bytes`, so callers that
    /// build a larger payload (or reuse a buffer per record) avoid a copy.
    public static func serialize(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", to: &bytes)
        case .bool(let flag):
            appendASCII(flag ? "true" : "false", to: &bytes)
        case .int(let integer):
            bytes.appendDecimal(integer)
        case .double(let double):
            if double.isFinite {
                bytes.append(contentsOf: double.description.utf8)
            } else {
                appendASCII("null", to: &bytes)
            }
        case .string(let string):
            appendString(string, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                serialize(element, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in object.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                serialize(member.value, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The compact JSON text of `value`.
    public static func serializeToString(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    // MARK: Pieces

    private static func appendASCII(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `string` quoted, escaping what RFC 8259 requires: the quote, the
    /// backslash and control characters below U+0020.
    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Copy runs of bytes that need no escaping in one go.
            var runStart = 0
            for position in utf8.indices {
                let byte = utf8[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                runStart = position + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hexDigits: StaticString = "0123456789abcdef"
                    hexDigits.withUTF8Buffer { hex in
                        bytes.append(contentsOf: [
                            UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                        ])
                    }
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
