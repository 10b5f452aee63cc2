import Foundation

/// A setting written in a topology file literally or with `${VAR}` references, which are read from
/// the environment when the topology starts (secrets stay out of files).
public struct EnvironmentSetting: Sendable {
    public var text: Located<String>

    public init(_ text: Located<String>) {
        self.text = text
    }

    /// The variables the text references, in order.
    public var variables: [String] {
        Self.references(in: text.value).map(\.name)
    }

    /// The text with every `${VAR}` replaced by its value in `environment`; `nil` when it references
    /// a variable that is unset or empty (the setting is then not set).
    public func resolve(in environment: [String: String]) -> String? {
        var result = ""
        var rest = text.value[...]
        for reference in Self.references(in: text.value) {
            guard let value = environment[reference.name], !value.isEmpty else { return nil }
            result += rest[..<reference.range.lowerBound] + value
            rest = text.value[reference.range.upperBound...]
        }
        return result + rest
    }

    private static func references(in text: String) -> [(name: String, range: Range<String.Index>)] {
        var found: [(String, Range<String.Index>)] = []
        var searchFrom = text.startIndex
        while let open = text.range(of: "${", range: searchFrom..<text.endIndex), let close = text.range(of: "}", range: open.upperBound..<text.endIndex) {
            found.append((String(text[open.upperBound..<close.lowerBound]), open.lowerBound..<close.upperBound))
            searchFrom = close.upperBound
        }
        return found
    }
}
