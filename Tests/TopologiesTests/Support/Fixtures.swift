import Foundation

/// The fixtures folder, found next to this file so that no SwiftPM resources are needed.
let fixturesDirectory: String = {
    let supportDirectory = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
    return supportDirectory.deletingLastPathComponent().appendingPathComponent("Fixtures").path
}()

/// The `.yml` files in a fixtures subfolder, sorted.
func fixtureNames(in subfolder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(fixturesDirectory)/\(subfolder)")
        .filter { $0.hasSuffix(".yml") }
        .sorted()
}

/// The smallest valid topology (one source copied to one topic), with `topLevel` (a line such as
/// `threads: 2`, or nil) as its first line: for tests of one top-level setting.
func copyTopology(topLevel: String?) -> String {
    (topLevel.map { "\($0)\n" } ?? "") + """
        application-id: app
        sources:
          in: { topic: in }
        pipelines:
          copy:
            from: in
            steps:
              - to: out
        """
}
