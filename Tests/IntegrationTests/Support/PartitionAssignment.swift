import StreamCore
import Testing
import TributaryTestSupport

/// The input partitions the runner serving on `port` holds (`GET /metadata`); none when it does not answer.
func partitionsHeld(port: Int) async -> [String] {
    let metadata = try? JSONValue(parsing: try await httpGet(port: port, "/metadata"))
    return metadata?["applications"]?[0]?["partitions"]?.arrayValue?.compactMap(\.stringValue) ?? []
}

/// Waits until the runner serving on `port` holds `count` input partitions, so a test's input starts
/// with every partition being processed rather than some starting seconds late.
func waitForPartitions(port: Int, count: Int, file: StaticString = #fileID, line: UInt = #line) async throws {
    try await waitUntil(timeout: .seconds(60), file: file, line: line) { await partitionsHeld(port: port).count == count }
}

/// Waits until the runners serving on `ports`, members of one group, hold the application's `count`
/// input partitions between them — each partition once, each runner some: the group has formed.
func waitForGroup(ports: [Int], partitions count: Int, file: StaticString = #fileID, line: UInt = #line) async throws {
    try await waitUntil(timeout: .seconds(60), file: file, line: line) {
        var held: [String] = []
        for port in ports {
            let partitions = await partitionsHeld(port: port)
            guard !partitions.isEmpty else { return false }
            held += partitions
        }
        return held.count == count && Set(held).count == count
    }
}
