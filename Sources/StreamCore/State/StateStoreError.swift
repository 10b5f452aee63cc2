/// A state store that cannot be written, flushed or restored, with the store and changelog concerned.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var store: String
    public var changelog: TopicPartition
    public var message: String

    public init(store: String, changelog: TopicPartition, message: String) {
        self.store = store
        self.changelog = changelog
        self.message = message
    }

    public var description: String { "state store '\(store)' (changelog \(changelog)): \(message)" }
}
