import Yams

/// The text of one topology file, composed into ``YAMLNode``s that remember where they were written.
///
/// Two things make this more than a call to Yams' `compose`:
///
/// - A syntax error becomes a ``TopologyDiagnostic`` at the place libyaml points to.
/// - Yams refuses a mapping with a repeated key outright, naming only the key's first occurrence.
///   Topology files must report a repeated pipeline or field at the repetition and go on to report
///   the file's other problems, so each repeated key is renamed in the text to a placeholder of the
///   same length (which leaves every line and column where it was) and the text composed again;
///   ``YAMLNode/text`` turns placeholders back into the name as written, and the parser, which sees
///   both entries, reports the repetition in its own words (`duplicate pipeline name 'route'`).
final class YAMLSource {
    /// The file as the user named it.
    let file: String
    /// The text, one array of Unicode scalars per line (libyaml counts columns in scalars).
    private let lines: [[Unicode.Scalar]]
    /// Placeholder → the key it stands for.
    private var placeholders: [String: String] = [:]

    private init(file: String, lines: [[Unicode.Scalar]]) {
        self.file = file
        self.lines = lines
    }

    /// Composes `yaml` into nodes.
    ///
    /// - Returns: the document's root node, or `nil` if the file holds no document.
    /// - Throws: the YAML syntax error that stopped composition.
    static func compose(yaml: String, file: String) throws(TopologyDiagnostic) -> YAMLNode? {
        let lines = yaml.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let source = YAMLSource(file: file, lines: lines)
        var edited = lines
        // Each round renames one repeated key; a file with more repetitions than this is not worth composing.
        for _ in 0..<1_000 {
            let text = String(String.UnicodeScalarView(edited.joined(separator: ["\n"])))
            do {
                guard let root = try Yams.compose(yaml: text) else { return nil }
                if let excess = Self.nodeBeyondExpansionLimit(in: root) {
                    throw TopologyDiagnostic(
                        "the file expands to more than \(maximumExpandedNodes) YAML nodes through its aliases (*name); write the repeated parts out, or fewer of them",
                        at: source.location(excess.mark))
                }
                return YAMLNode(root, in: source)
            } catch let diagnostic as TopologyDiagnostic {
                throw diagnostic
            } catch let error as YamlError {
                guard case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.first else {
                    throw source.syntaxDiagnostic(for: error)
                }
                let first = context.mark
                guard let repeated = Self.repetition(of: key, after: first, in: edited),
                      let placeholder = source.makePlaceholder(for: key, length: repeated.length)
                else {
                    throw TopologyDiagnostic("duplicate key '\(key)'", at: source.location(first))
                }
                edited[repeated.line].replaceSubrange(repeated.column..<(repeated.column + repeated.length), with: placeholder.unicodeScalars)
            } catch {
                throw TopologyDiagnostic("YAML syntax error: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            }
        }
        throw TopologyDiagnostic("too many duplicate keys", at: SourceLocation(file: file, line: 1, column: 1))
    }

    /// The most nodes a file may have, counting what each alias stands for: a few aliases of aliases
    /// ("billion laughs") would otherwise let a small file expand without end.
    static let maximumExpandedNodes = 1_000_000

    /// The node at which counting `root`'s expanded nodes passes ``maximumExpandedNodes``, or `nil`.
    private static func nodeBeyondExpansionLimit(in root: Node) -> Node? {
        var count = 0
        var pending = [root]
        while let node = pending.popLast() {
            count += 1
            if count > maximumExpandedNodes { return node }
            switch node {
            case .mapping(let mapping): for pair in mapping { pending.append(pair.key); pending.append(pair.value) }
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .scalar, .alias: break
            }
        }
        return nil
    }

    /// The location of a Yams mark in this file.
    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The key a placeholder stands for, or `text` itself.
    func restoringKey(_ text: String) -> String {
        placeholders.isEmpty ? text : placeholders[text] ?? text
    }

    /// Line `number` (1-based) as Unicode scalars.
    func line(_ number: Int) -> [Unicode.Scalar]? {
        lines.indices.contains(number - 1) ? lines[number - 1] : nil
    }

    // MARK: Syntax errors

    private func syntaxDiagnostic(for error: YamlError) -> TopologyDiagnostic {
        func described(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "YAML syntax error: \(problem)" }
            return "YAML syntax error: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            return TopologyDiagnostic(described(problem, context), at: location(mark))
        case .composer(let context, let problem, let mark, _):
            if context?.text == "expected a single document in the stream" {
                return TopologyDiagnostic("YAML syntax error: a topology file holds a single YAML document, but found another document", at: location(mark))
            }
            return TopologyDiagnostic(described(problem, context), at: location(mark))
        case .reader(let problem, let offset, _, _):
            return TopologyDiagnostic("YAML syntax error: \(problem)", at: location(ofUTF8Offset: offset ?? 0))
        default:
            return TopologyDiagnostic("YAML syntax error: \(error)", at: location(nil))
        }
    }

    /// The line and column of a byte offset into the UTF-8 text.
    private func location(ofUTF8Offset offset: Int) -> SourceLocation {
        var remaining = offset
        for (index, line) in lines.enumerated() {
            var column = 1
            for scalar in line {
                if remaining <= 0 { return SourceLocation(file: file, line: index + 1, column: column) }
                remaining -= UTF8.width(scalar)
                column += 1
            }
            if remaining <= 0 { return SourceLocation(file: file, line: index + 1, column: column) }
            remaining -= 1 // the line feed
        }
        return SourceLocation(file: file, line: max(lines.count, 1), column: 1)
    }

    // MARK: Repeated keys

    /// Where the next occurrence of `key` in the same mapping as the one at `first` is written: the
    /// key's characters (inside its quotes, if quoted), as 0-based line and column indexes.
    private static func repetition(of key: String, after first: Mark, in lines: [[Unicode.Scalar]]) -> (line: Int, column: Int, length: Int)? {
        let keyScalars = Array(key.unicodeScalars)
        let firstLine = first.line - 1
        let firstColumn = first.column - 1
        guard lines.indices.contains(firstLine), firstColumn <= lines[firstLine].count else { return nil }
        let before = lines[firstLine][..<firstColumn]
        if before.allSatisfy({ $0 == " " || $0 == "-" }) {
            return blockRepetition(of: keyScalars, line: firstLine, column: firstColumn, in: lines)
        }
        return flowRepetition(of: keyScalars, line: firstLine, column: firstColumn, in: lines)
    }

    /// A sibling key in a block mapping: a later line indented exactly as far, before any line indented less.
    private static func blockRepetition(of key: [Unicode.Scalar], line firstLine: Int, column: Int, in lines: [[Unicode.Scalar]]) -> (line: Int, column: Int, length: Int)? {
        for index in lines.indices.dropFirst(firstLine + 1) {
            let line = lines[index]
            let indentation = line.prefix { $0 == " " }.count
            if indentation == line.count || line[indentation] == "#" || line[indentation] == "\r" { continue }
            if indentation < column { return nil }
            if indentation == column, let start = keyStart(of: key, in: line, at: column) {
                return (index, start, key.count)
            }
        }
        return nil
    }

    /// A sibling key in a flow mapping: after a `,` at the same nesting depth, before the mapping closes.
    private static func flowRepetition(of key: [Unicode.Scalar], line firstLine: Int, column: Int, in lines: [[Unicode.Scalar]]) -> (line: Int, column: Int, length: Int)? {
        var depth = 0
        var line = firstLine
        var column = column + 1
        var afterComma = false
        var quote: Unicode.Scalar?
        while lines.indices.contains(line) {
            let text = lines[line]
            guard column < text.count else {
                line += 1
                column = 0
                continue
            }
            let scalar = text[column]
            if let open = quote {
                if scalar == "\\" && open == "\"" { column += 1 } else if scalar == open { quote = nil }
                column += 1
                continue
            }
            if scalar == " " || scalar == "\t" || scalar == "\r" {
                column += 1
                continue
            }
            if afterComma, depth == 0, let start = keyStart(of: key, in: text, at: column) {
                return (line, start, key.count)
            }
            afterComma = false
            switch scalar {
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth < 0 { return nil }
            case ",": afterComma = true
            case "\"", "'":
                let previous = text[..<column].last { $0 != " " && $0 != "\t" }
                if previous == nil || ["{", "[", ",", ":"].contains(previous!) { quote = scalar }
            case "#" where column == 0 || text[column - 1] == " ":
                column = text.count
                continue
            default: break
            }
            column += 1
        }
        return nil
    }

    /// Where `key`'s characters start if `line` has `key`, `"key"` or `'key'` followed by `:` at `column`.
    private static func keyStart(of key: [Unicode.Scalar], in line: [Unicode.Scalar], at column: Int) -> Int? {
        for quote in [nil, "\"", "'"] as [Unicode.Scalar?] {
            let width = quote == nil ? 0 : 1
            let start = column + width
            let end = start + key.count
            guard end + width <= line.count, Array(line[start..<end]) == key else { continue }
            if let quote, line[column] != quote || line[end] != quote { continue }
            let rest = line[(end + width)...].drop { $0 == " " || $0 == "\t" }
            if rest.first == ":" { return start }
        }
        return nil
    }

    /// A string of `length` private-use characters that stands for `key` until the nodes are read.
    private func makePlaceholder(for key: String, length: Int) -> String? {
        // U+E000...U+EFFF: printable to libyaml, three UTF-8 bytes each, one column each.
        var number = placeholders.count
        var scalars: [Unicode.Scalar] = []
        for _ in 0..<length {
            scalars.append(Unicode.Scalar(0xE000 + UInt32(number % 0x1000))!)
            number /= 0x1000
        }
        guard number == 0, length > 0 else { return nil }
        let placeholder = String(String.UnicodeScalarView(scalars))
        placeholders[placeholder] = key
        return placeholder
    }
}
