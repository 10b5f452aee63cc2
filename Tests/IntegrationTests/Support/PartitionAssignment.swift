import StreamCore
import Testing

/// Waits until the runner serving on `port` holds `count` input partitions (`GET /metadata`), so a
/// test's input starts with every partition being processed rather than some starting seconds late.
func waitForPartitions(port: Int, count: Int) async throws {
    var assigned = 0
    for _ in 0..<150 where assigned < count {
        let metadata = try? JSONValue(parsing: try await httpGet(port: port, "/metadata"))
        assigned = metadata?["applications"]?[0]?["partitions"]?.arrayValue?.count ?? 0
        try await Task.sleep(for: .milliseconds(200))
    }
    #expect(assigned == count, "the runner was assigned its \(count) input partitions")
}
