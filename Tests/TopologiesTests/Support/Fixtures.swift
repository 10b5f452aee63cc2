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
