import StreamCore
import Testing

@testable import Topologies

/// The top-level `processing-guarantee` key: absent leaves it to the runner, a known name is taken, and
/// anything else is a diagnostic at the value naming the accepted names.
@Suite("processing-guarantee")
struct ProcessingGuaranteeParsingTests {
    func topology(guarantee: String?) -> String {
        copyTopology(topLevel: guarantee.map { "processing-guarantee: \($0)" })
    }

    @Test func absentLeavesTheChoiceToTheRunner() throws {
        #expect(try TopologyParser.parse(yaml: topology(guarantee: nil), file: "app.yml").processingGuarantee == nil)
    }

    @Test(arguments: [("exactly_once_v2", ProcessingGuarantee.exactlyOnceV2), ("at_least_once", .atLeastOnce)])
    func knownNamesAreTaken(name: String, guarantee: ProcessingGuarantee) throws {
        #expect(try TopologyParser.parse(yaml: topology(guarantee: name), file: "app.yml").processingGuarantee == guarantee)
    }

    @Test func anUnknownNameIsReportedAtItsValue() {
        let error = #expect(throws: TopologyDiagnostics.self) {
            try TopologyParser.parse(yaml: topology(guarantee: "exactly_once"), file: "app.yml")
        }
        #expect(error?.diagnostics.map(\.description) == [
            "app.yml:1:23: 'processing-guarantee' must be 'at_least_once' or 'exactly_once_v2', not 'exactly_once'",
        ])
    }
}
