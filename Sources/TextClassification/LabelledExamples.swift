import Foundation

/// Labelled examples from a JSON Lines file: one object per line, the text from some fields, the
/// label from another.
public enum LabelledExamples {
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The examples of `path`: each line's `textFields` joined by a space (absent fields skipped), and
    /// its `labelField`.
    public static func read(_ path: String, textFields: [String], labelField: String) throws -> [(text: String, label: String)] {
        let content = try String(contentsOfFile: path, encoding: .utf8)
        return try content.split(separator: "\n").enumerated().compactMap { index, line in
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ReadError(description: "\(path):\(index + 1): not a JSON object")
            }
            guard let label = object[labelField] as? String else {
                throw ReadError(description: "\(path):\(index + 1): no '\(labelField)' label")
            }
            let text = textFields.compactMap { object[$0] as? String }.joined(separator: " ")
            return (text, label)
        }
    }
}
