import ArgumentParser
import Foundation

/// `--kafka-property KEY=VALUE` and `--kafka-properties-file FILE`: librdkafka properties for every
/// Kafka client the runner makes (SASL/SSL clusters). Properties given on the command line override
/// the file's.
struct KafkaPropertiesOptions: ParsableArguments {
    @Option(name: .customLong("kafka-property"), help: "A librdkafka property for every Kafka client, KEY=VALUE (repeatable), e.g. security.protocol=SASL_SSL.")
    var properties: [String] = []

    @Option(name: .customLong("kafka-properties-file"), help: "A file of librdkafka properties, one KEY=VALUE per line ('#' and '!' start comments), as Java clients use.")
    var file: String?

    func validate() throws {
        _ = try resolved()
    }

    /// The properties, the file's first, then the command line's.
    func resolved() throws -> [String: String] {
        var result: [String: String] = [:]
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("--kafka-properties-file: cannot read '\(file)'")
            }
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix("!") else { continue }
                let (key, value) = try Self.pair(trimmed, source: "\(file):\(index + 1)")
                result[key] = value
            }
        }
        for property in properties {
            let (key, value) = try Self.pair(property, source: "--kafka-property")
            result[key] = value
        }
        return result
    }

    private static func pair(_ text: String, source: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            // The text is not repeated: it may be a secret written without its key.
            throw ValidationError("\(source): expected KEY=VALUE")
        }
        return (text[..<equals].trimmingCharacters(in: .whitespaces), text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }
}
