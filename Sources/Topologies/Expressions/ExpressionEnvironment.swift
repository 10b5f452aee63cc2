import Foundation

/// The environment `env()` reads while a topology loads: the process's, with a test case's `env:`
/// over it (`runner test` loads the topology again inside ``$overrides``'s `withValue`).
public enum ExpressionEnvironment {
    /// Values that win over the process environment's while a topology loads in this task.
    @TaskLocal public static var overrides: [String: String] = [:]

    /// The value of the variable `name`, if set.
    static func value(of name: String) -> String? {
        overrides[name] ?? ProcessInfo.processInfo.environment[name]
    }
}
