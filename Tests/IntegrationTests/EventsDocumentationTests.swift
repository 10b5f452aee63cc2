import Foundation
import StreamCore
import Testing

/// docs/EVENTS.md against `runner generate --print`: every documented event kind is generated, every
/// generated event is of a documented kind and has exactly its example's fields (nested ones too), with
/// the same JSON types, absent only where the document says so, and the documented key. The
/// conventions (`<!-- event: … -->`, `<!-- optional: … -->`, `<!-- key: … -->`, `<!-- produced-by: … -->`)
/// are explained at the top of docs/EVENTS.md.
@Suite("docs/EVENTS.md")
struct EventsDocumentationTests {
    /// One documented example: the ```json block after `<!-- event: TOPIC KIND -->`, and the comment
    /// lines directly before that one.
    struct DocumentedEvent {
        var topic: String
        var kind: String
        var example: JSONValue
        /// Paths of fields that may be absent (`properties.order_id`, `properties.products[].price`).
        var optional: Set<String>
        /// The record key is the first of these top-level fields the value has; empty: not checked.
        var keyFields: [String]
        /// A source file, for events `runner generate` does not produce.
        var producedBy: String?

        var name: String { "\(topic) \(kind)" }
    }

    static let document = repositoryRoot + "/docs/EVENTS.md"

    @Test func theGeneratedEventsAreTheDocumentedOnes() throws {
        let documented = try Self.documentedEvents()
        #expect(documented.count >= 13)
        #expect(Set(documented.map(\.name)).count == documented.count, "an event kind is documented twice")
        for event in documented {
            let fieldPaths = Set(Self.paths(in: event.example))
            for path in event.optional where !fieldPaths.contains(path) {
                Issue.record("\(event.name): optional \(path) is not a field of the example")
            }
            if event.producedBy == nil {
                let kind = Self.kind(of: event.example)
                #expect(kind == event.kind, "\(event.name): the example is of kind \(kind)")
            }
        }

        let result = try runRunner(["generate", "--print", "--events", "5000", "--malformed-ratio", "0", "--log-level", "warning"])
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 5000)

        var seen: Set<String> = []
        var undocumented: Set<String> = []
        var problems: [String] = []
        for line in lines {
            let record: JSONValue
            do {
                record = try JSONValue(parsing: String(line))
            } catch {
                problems.append("not JSON: \(line)")
                continue
            }
            let topic = record["topic"]?.stringValue ?? "(no topic)"
            let key = record["key"] ?? .null
            let value = record["value"] ?? .null
            let name = "\(topic) \(Self.kind(of: value))"
            guard let event = documented.first(where: { $0.name == name }) else {
                undocumented.insert(name)
                continue
            }
            seen.insert(name)
            let id = value["messageId"]?.stringValue ?? String(line.prefix(100))
            problems += Self.differences(value, from: event.example, at: "", optional: event.optional).map { "\(name) \(id): \($0)" }
            if !event.keyFields.isEmpty {
                let expectedKey = event.keyFields.compactMap { value[$0] }.first ?? .null
                if key != expectedKey {
                    problems.append("\(name) \(id): key \(key.jsonString), documented \(expectedKey.jsonString) (\(event.keyFields.joined(separator: ", ")))")
                }
            }
        }
        #expect(undocumented.isEmpty, "generated, but not in docs/EVENTS.md: \(undocumented.sorted())")
        if !problems.isEmpty {
            Issue.record("\(problems.count) differences from docs/EVENTS.md, the first:\n\(problems.prefix(20).joined(separator: "\n"))")
        }
        let neverGenerated = documented.filter { $0.producedBy == nil && !seen.contains($0.name) }.map(\.name)
        #expect(neverGenerated.isEmpty, "in docs/EVENTS.md, but not among 5000 generated events: \(neverGenerated)")
    }

    /// Events of the demo's other components (`inventory`, `payment-events`) cannot be generated without
    /// Kafka; their examples' field names must at least be the keys of the JSON object the component builds.
    @Test func theDemoComponentsEventsHaveTheDocumentedFields() throws {
        let others = try Self.documentedEvents().filter { $0.producedBy != nil }
        #expect(others.count >= 2)
        for event in others {
            guard let producedBy = event.producedBy else { continue }
            let source = try String(contentsOfFile: repositoryRoot + "/" + producedBy, encoding: .utf8)
            guard let open = source.range(of: ".object(["), let close = source.range(of: "])", range: open.upperBound..<source.endIndex) else {
                Issue.record("\(event.name): no `.object([ … ])` literal in \(producedBy) to compare with; update the check")
                continue
            }
            // Between quotes, every other piece is a string literal; one followed by `:` is a key.
            let pieces = source[open.upperBound..<close.lowerBound].split(separator: "\"", omittingEmptySubsequences: false)
            var keys: [String] = []
            for index in stride(from: 1, to: pieces.count - 1, by: 2) where pieces[index + 1].hasPrefix(":") {
                keys.append(String(pieces[index]))
            }
            let documentedKeys = event.example.objectValue?.keys ?? []
            #expect(keys.sorted() == documentedKeys.sorted(), "\(event.name): \(producedBy) writes \(keys), docs/EVENTS.md shows \(documentedKeys)")
        }
    }

    /// `--print` is what makes `--bootstrap-servers` optional; without it the option is still required.
    @Test func generatingToKafkaStillNeedsBootstrapServers() throws {
        let result = try runRunner(["generate", "--events", "1"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--bootstrap-servers"), "\(result.errors)")
    }

    // MARK: - Reading docs/EVENTS.md

    static func documentedEvents() throws -> [DocumentedEvent] {
        let text = try String(contentsOfFile: document, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var events: [DocumentedEvent] = []
        for start in lines.indices where lines[start] == "```json" {
            guard start > 0, let marker = comment(lines[start - 1]), marker.hasPrefix("event:") else {
                Issue.record("docs/EVENTS.md:\(start + 1): a ```json block without `<!-- event: TOPIC KIND -->` on the line before")
                continue
            }
            let name = marker.dropFirst("event:".count).trimmingCharacters(in: .whitespaces)
            guard let space = name.firstIndex(of: " "), let end = lines[(start + 1)...].firstIndex(of: "```") else {
                Issue.record("docs/EVENTS.md:\(start + 1): expected `<!-- event: TOPIC KIND -->` and a closed block")
                continue
            }
            let example: JSONValue
            do {
                example = try JSONValue(parsing: lines[(start + 1)..<end].joined(separator: "\n"))
            } catch {
                Issue.record("docs/EVENTS.md:\(start + 1): the example is not JSON: \(error)")
                continue
            }
            var annotations: [String: String] = [:]
            var previous = start - 2
            while previous >= 0, let annotation = comment(lines[previous]) {
                let parts = annotation.split(separator: ":", maxSplits: 1)
                if parts.count == 2 {
                    annotations[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                previous -= 1
            }
            events.append(DocumentedEvent(
                topic: String(name[..<space]),
                kind: String(name[name.index(after: space)...]),
                example: example,
                optional: Set(list(annotations["optional"])),
                keyFields: list(annotations["key"]),
                producedBy: annotations["produced-by"]
            ))
        }
        return events
    }

    /// The text of an HTML comment line, `<!-- TEXT -->`; nil for any other line.
    static func comment(_ line: String) -> String? {
        guard line.hasPrefix("<!--"), line.hasSuffix("-->"), line.count >= 7 else { return nil }
        return line.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
    }

    /// `a, b.c` as `["a", "b.c"]`.
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: - Comparing events

    /// A tracking event's kind: its `event`, or its `type` where it has no `event`.
    static func kind(of value: JSONValue) -> String {
        value["event"]?.stringValue ?? value["type"]?.stringValue ?? "(no type)"
    }

    /// Every field path of `value`: `properties`, `properties.products`, `properties.products[].price`, …
    static func paths(in value: JSONValue, under path: String = "") -> [String] {
        switch value {
        case .object(let fields):
            return fields.flatMap { field -> [String] in
                let fieldPath = path.isEmpty ? field.key : path + "." + field.key
                return [fieldPath] + Self.paths(in: field.value, under: fieldPath)
            }
        case .array(let elements):
            guard let first = elements.first else { return [] }
            return Self.paths(in: first, under: path + "[]")
        default:
            return []
        }
    }

    /// How `value` differs from `example`: a field of another JSON type, missing (unless optional) or not
    /// in the example. An array's elements are each compared with the example's first element.
    static func differences(_ value: JSONValue, from example: JSONValue, at path: String, optional: Set<String>) -> [String] {
        guard value.typeName == example.typeName else {
            return ["\(path.isEmpty ? "the value" : path) is \(value.typeName), documented \(example.typeName)"]
        }
        switch (value, example) {
        case (.object(let fields), .object(let documentedFields)):
            var found: [String] = []
            for (name, documentedField) in documentedFields {
                let fieldPath = path.isEmpty ? name : path + "." + name
                if let field = fields[name] {
                    found += Self.differences(field, from: documentedField, at: fieldPath, optional: optional)
                } else if !optional.contains(fieldPath) {
                    found.append("\(fieldPath) is missing")
                }
            }
            for (name, _) in fields where documentedFields[name] == nil {
                found.append("\(path.isEmpty ? name : path + "." + name) is not documented")
            }
            return found
        case (.array(let elements), .array(let documentedElements)):
            guard let template = documentedElements.first else {
                return elements.isEmpty ? [] : ["\(path)[] has elements; the example's array is empty"]
            }
            return elements.flatMap { Self.differences($0, from: template, at: path + "[]", optional: optional) }
        default:
            return []
        }
    }
}
