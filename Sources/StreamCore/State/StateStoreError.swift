/// A state store that cannot be written, flushed or restored, with the store and changelog concerned.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var store: String
    public var changelog: TopicPartition
    public var message: String
    /// RocksDB's refusal, when the store's local database is what failed (a full disk, a read-only or
    /// vanished state directory) rather than its changelog.
    public var localFailure: RocksDBError?

    public init(store: String, changelog: TopicPartition, message: String, localFailure: RocksDBError? = nil) {
        self.store = store
        self.changelog = changelog
        self.message = message
        self.localFailure = localFailure
    }

    public var description: String { "state store '\(store)' (changelog \(changelog)): \(message)" }
}
