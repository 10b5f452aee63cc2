import Testing

@testable import Topologies

/// The top-level `threads` key: absent leaves it to the runner, a positive count is taken, and anything
/// else is a diagnostic at the value.
@Suite("threads")
struct StreamThreadsParsingTests {
    func topology(threads: String?) -> String {
        copyTopology(topLevel: threads.map { "threads: \($0)" })
    }

    @Test func absentLeavesTheChoiceToTheRunner() throws {
        #expect(try TopologyParser.parse(yaml: topology(threads: nil), file: "app.yml").streamThreads == nil)
    }

    @Test func aPositiveCountIsTaken() throws {
        #expect(try TopologyParser.parse(yaml: topology(threads: "4"), file: "app.yml").streamThreads == 4)
    }

    @Test(arguments: ["0", "-2", "two"])
    func anythingElseIsReportedAtItsValue(value: String) {
        let error = #expect(throws: TopologyDiagnostics.self) {
            try TopologyParser.parse(yaml: topology(threads: value), file: "app.yml")
        }
        #expect(error?.diagnostics.map(\.location.line) == [1])
        #expect(error?.diagnostics.map(\.location.column) == [10])
        #expect(error?.diagnostics.first?.message.contains("'threads'") == true, "\(error?.diagnostics ?? [])")
    }
}
