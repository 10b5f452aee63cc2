import Foundation
import Logging
import Testing
import Topologies
import TributaryTestSupport

/// `classify` with `training:` — the data is read and a classifier trained when the file is compiled,
/// and every way the data can be unusable is a diagnostic at the step, never a step silently left out.
@Suite("classify step")
struct ClassifyStepTests {
    private func problems(training: String, files: [String: String] = [:]) throws -> [String] {
        let temporary = TemporaryDirectory("classify")
        let directory = URL(fileURLWithPath: temporary.path)
        for (name, content) in files { try content.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let file = directory.appendingPathComponent("t.yml").path
        try """
            application-id: app
            sources:
              in: { topic: in }
            pipelines:
              labelled:
                from: in
                steps:
                  - classify: { training: \(training), text: value.message, into: intent }
                  - to: out
            """.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try TopologyCompiler.compile(TopologyParser.parse(fileAt: file), logger: Logger(label: "test"))
            return []
        } catch {
            return error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)".replacingOccurrences(of: directory.path + "/", with: "") }
        }
    }

    @Test(arguments: [
        ("{ data: [], text: message, label: intent }", [:], ["8:39: 'data' needs at least one file"]),
        ("{ data: a.jsonl, text: [], label: intent }", [:], ["8:54: 'text' needs at least one field"]),
        ("{ data: missing.jsonl, text: message, label: intent }", [:], ["8:39: cannot read the training data: missing.jsonl: no such file, or it cannot be read"]),
        ("{ data: empty.jsonl, text: message, label: intent }", ["empty.jsonl": "\n"],
         ["8:39: the training data holds no labelled examples; a classifier needs examples of at least two labels"]),
        ("{ data: bad.jsonl, text: message, label: intent }", ["bad.jsonl": "{\"message\": \"hi\", \"intent\": \"a\"}\n\nnot json\n"],
         ["8:39: cannot read the training data: bad.jsonl:3: not a JSON object"]),
        ("{ data: ok.jsonl, text: message, label: intent }",
         ["ok.jsonl": "{\"message\": \"where is my parcel\", \"intent\": \"tracking\"}\n{\"message\": \"I want my money back\", \"intent\": \"refund\"}\n"], []),
    ] as [(String, [String: String], [String])])
    func unusableTrainingDataIsReportedAtTheStep(training: String, files: [String: String], expected: [String]) throws {
        let found = try problems(training: training, files: files)
        #expect(found == expected)
    }
}
