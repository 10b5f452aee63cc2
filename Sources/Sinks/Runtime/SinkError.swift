/// A sink that cannot go on; nothing it did not deliver was committed.
public struct SinkError: Error, Sendable, CustomStringConvertible {
    public var sink: String
    public var message: String

    public init(sink: String, message: String) {
        self.sink = sink
        self.message = message
    }

    public var description: String { "sink '\(sink)': \(message)" }
}
