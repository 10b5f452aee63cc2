import Foundation

/// A fresh directory under the system's temporary folder, created at once and removed with everything
/// in it when the value is dropped: the one way tests make temporary files and state directories.
public final class TemporaryDirectory: Sendable {
    public let path: String

    /// - Parameter label: the start of the directory's name, to tell tests' leftovers apart.
    public init(_ label: String = "tributary-test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `component` inside the directory (not created).
    public func appending(_ component: String) -> String { (path as NSString).appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
