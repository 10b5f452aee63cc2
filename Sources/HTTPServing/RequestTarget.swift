/// A request URI split into percent-decoded path segments and query parameters.
struct RequestTarget {
    var path: [String]
    var query: [String: String]

    init(_ uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts[0].split(separator: "/").map { Self.decode($0, plusIsSpace: false) }
        query = parts.count > 1 ? Self.parameters(parts[1]) : [:]
    }

    /// `name=value&...` pairs as in a query string or a form-encoded body; a repeated name keeps its last
    /// value, a name without `=` has the empty value.
    static func parameters(_ text: Substring) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[decode(nameAndValue[0], plusIsSpace: true)] = nameAndValue.count > 1 ? decode(nameAndValue[1], plusIsSpace: true) : ""
        }
        return parameters
    }

    /// `%XX` escapes decoded as UTF-8; a malformed escape is kept as written.
    private static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
