import Yams

/// A node of a topology file's YAML, with where it is written and accessors that report what was
/// expected when the node has another shape.
///
/// The accessors that take a ``DiagnosticCollector`` report a problem and return `nil`; the caller
/// skips whatever needed the value, so one mistake yields one diagnostic.
struct YAMLNode {
    /// One `key: value` pair of a mapping, in written order.
    struct Entry {
        let key: YAMLNode
        let value: YAMLNode
    }

    let node: Node
    /// Where the node starts: a scalar's first character or opening quote, a block scalar's `|` or
    /// `>`, a flow collection's bracket, a block mapping's first key, a block sequence's first `-`.
    /// A mapping value left empty (`key:`) is located at its key, since it has no text of its own.
    let location: SourceLocation
    private let source: YAMLSource

    init(_ node: Node, in source: YAMLSource) {
        self.init(node, in: source, at: source.location(node.mark))
    }

    private init(_ node: Node, in source: YAMLSource, at location: SourceLocation) {
        self.node = node
        self.source = source
        self.location = location
    }

    // MARK: Shape

    /// The scalar's text as written (quotes and escapes resolved), or `nil` for a collection.
    var text: String? {
        node.scalar.map { source.restoringKey($0.string) }
    }

    /// Whether this is a plain scalar with nothing in it, as in `key:` with no value.
    var isEmpty: Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && scalar.string.isEmpty
    }

    /// The pairs of a mapping, or `nil` for another shape.
    var entries: [Entry]? {
        node.mapping.map { mapping in
            mapping.map { pair in
                let key = YAMLNode(pair.key, in: source)
                var value = YAMLNode(pair.value, in: source)
                if value.isEmpty { value = YAMLNode(pair.value, in: source, at: key.location) }
                return Entry(key: key, value: value)
            }
        }
    }

    /// The elements of a sequence, or `nil` for another shape.
    var elements: [YAMLNode]? {
        node.sequence.map { sequence in sequence.map { YAMLNode($0, in: source) } }
    }

    /// What the node is, for "got …" in messages: `a mapping`, `a sequence`, `nothing` or the quoted text.
    var shapeDescription: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .scalar, .alias: isEmpty ? "nothing" : "'\(text ?? "")'"
        }
    }

    // MARK: Typed accessors

    /// The pairs of a mapping; reports `expected a mapping for SUBJECT, got …` otherwise.
    ///
    /// - Parameter subject: what the mapping is, as the message names it: `source 'tracking'`, `'to'`.
    func mapping(for subject: String, _ diagnostics: inout DiagnosticCollector) -> [Entry]? {
        guard let entries else {
            diagnostics.report("expected a mapping for \(subject), got \(shapeDescription)", at: location)
            return nil
        }
        return entries
    }

    /// The elements of a sequence; reports `expected a sequence for SUBJECT, got …` otherwise.
    func sequence(for subject: String, _ diagnostics: inout DiagnosticCollector) -> [YAMLNode]? {
        guard let elements else {
            diagnostics.report("expected a sequence for \(subject), got \(shapeDescription)", at: location)
            return nil
        }
        return elements
    }

    /// A non-empty scalar's text; reports `expected NOUN for SUBJECT, got …` otherwise.
    ///
    /// - Parameter noun: what the text is, with its article: `a topic name`, `a string`.
    func string(_ noun: String = "a string", for subject: String, _ diagnostics: inout DiagnosticCollector) -> Located<String>? {
        guard let text, !isEmpty, !text.isEmpty else {
            diagnostics.report("expected \(noun) for \(subject), got \(shapeDescription)", at: location)
            return nil
        }
        return Located(text, at: location)
    }

    /// One of the raw values of `cases`, or a diagnostic listing them.
    func choice<Choice: RawRepresentable<String>>(for field: String, of cases: [Choice], _ diagnostics: inout DiagnosticCollector) -> Choice? {
        guard let text = string("a value", for: "'\(field)'", &diagnostics) else { return nil }
        guard let value = Choice(rawValue: text.value) else {
            diagnostics.report("unknown \(field) '\(text.value)'; expected one of: \(cases.map(\.rawValue).joined(separator: ", "))", at: text.location)
            return nil
        }
        return value
    }

    /// A positive decimal integer; reports `expected a positive integer for SUBJECT, got …` otherwise.
    func positiveInteger(for subject: String, _ diagnostics: inout DiagnosticCollector) -> Int? {
        guard let text, let integer = Int(text), integer > 0 else {
            diagnostics.report("expected a positive integer for \(subject), got \(shapeDescription)", at: location)
            return nil
        }
        return integer
    }

    func boolean(for subject: String, _ diagnostics: inout DiagnosticCollector) -> Bool? {
        switch text {
        case "true": return true
        case "false": return false
        default:
            diagnostics.report("expected true or false for \(subject), got \(shapeDescription)", at: location)
            return nil
        }
    }

    // MARK: Positions inside a scalar

    /// Where the character at `offset` of this scalar's text is written.
    ///
    /// Exact for a scalar on one line, plain or quoted (escapes such as `\"` and `''` are counted as
    /// written); for a block scalar or a scalar folded over several lines it is the scalar's own
    /// location, because folding has already replaced line breaks and indentation.
    ///
    /// - Parameter offset: a `Character` offset into ``text``, as ``ExpressionSyntaxError`` reports.
    func location(atCharacterOffset offset: Int) -> SourceLocation {
        guard let scalar = node.scalar, let line = source.line(location.line) else { return location }
        let decoded = scalar.string
        let index = decoded.index(decoded.startIndex, offsetBy: offset, limitedBy: decoded.endIndex) ?? decoded.endIndex
        let target = decoded.unicodeScalars.distance(from: decoded.unicodeScalars.startIndex, to: index)
        let start = location.column - 1
        let column: Int?
        switch scalar.style {
        case .plain:
            let written = Array(decoded.unicodeScalars)
            let isOnOneLine = start + written.count <= line.count && Array(line[start..<(start + written.count)]) == written
            column = isOnOneLine ? start + target : nil
        case .singleQuoted, .doubleQuoted:
            column = Self.column(ofDecodedScalar: target, quotedAt: start, in: line, style: scalar.style)
        default:
            column = nil
        }
        guard let column else { return location }
        return SourceLocation(file: location.file, line: location.line, column: column + 1)
    }

    /// The 0-based column of the `target`th decoded scalar of the quoted scalar whose opening quote is
    /// at `start`, or `nil` if the scalar does not close on this line.
    private static func column(ofDecodedScalar target: Int, quotedAt start: Int, in line: [Unicode.Scalar], style: Node.Scalar.Style) -> Int? {
        let quote: Unicode.Scalar = style == .singleQuoted ? "'" : "\""
        var column = start + 1
        var decodedCount = 0
        var result: Int?
        while column < line.count {
            if decodedCount == target, result == nil { result = column }
            let scalar = line[column]
            let width: Int
            if style == .singleQuoted, scalar == "'" {
                guard column + 1 < line.count, line[column + 1] == "'" else { return result }
                width = 2
            } else if style == .doubleQuoted, scalar == "\\" {
                guard column + 1 < line.count else { return nil }
                switch line[column + 1] {
                case "x": width = 4
                case "u": width = 6
                case "U": width = 10
                default: width = 2
                }
            } else if scalar == quote {
                return result
            } else {
                width = 1
            }
            column += width
            decodedCount += 1
        }
        return nil
    }
}
