import Foundation

/// Where the `runner` executable under test is: `$TRIBUTARY_RUNNER`, or next to the test bundle
/// (SwiftPM builds every product into the same folder as the tests).
enum RunnerExecutable {
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["TRIBUTARY_RUNNER"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        return bundle.deletingLastPathComponent().appendingPathComponent("runner").path
    }
}
