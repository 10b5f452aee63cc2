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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path): no such file, or it cannot be read")
        }
        guard let content = String(validating: data, as: UTF8.self) else {
            throw ReadError(description: "\(path): not UTF-8 text")
        }
        // Blank lines are skipped but counted, so reported line numbers are the file's.
        return try content.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
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
