import Foundation

/// A fresh directory under the system's temporary folder, removed when the value is dropped.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "tributary-test") {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func appending(_ component: String) -> String { (path as NSString).appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
