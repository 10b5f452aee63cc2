/// The state one task processes its records against: its stores, by name, and its checkpoint (what
/// the stores reflect, plus each windowed node's stream time).
///
/// - Important: Not thread-safe: the stream thread that owns the task makes every call.
public final class TaskState {
    public let stores: [String: KeyValueStore]
    /// The global tables' stores, shared by every task of the thread (read-only for tasks).
    let globalStores: [String: KeyValueStore]
    /// Moves forward as records are processed; flushed with the stores on commit.
    public internal(set) var checkpoint: TaskCheckpoint
    private var checkpointBeforeRecord: TaskCheckpoint?

    public init(stores: [String: KeyValueStore] = [:], globalStores: [String: KeyValueStore] = [:], checkpoint: TaskCheckpoint = TaskCheckpoint()) {
        self.stores = stores
        self.globalStores = globalStores
        self.checkpoint = checkpoint
    }

    /// Starts an input record: everything it changes can be rolled back until ``endRecord()``.
    func beginRecord() {
        checkpointBeforeRecord = checkpoint
        for store in stores.values { store.beginRecord() }
    }

    func endRecord() {
        checkpointBeforeRecord = nil
        for store in stores.values { store.endRecord() }
    }

    /// Undoes what the current input record changed: a record that fails leaves no trace in state.
    func rollBackRecord() {
        if let checkpointBeforeRecord { checkpoint = checkpointBeforeRecord }
        checkpointBeforeRecord = nil
        for store in stores.values { store.rollBackRecord() }
    }

    func store(_ name: String) -> KeyValueStore {
        guard let store = stores[name] ?? globalStores[name] else { preconditionFailure("the task has no store '\(name)'; tasks open every store of their sub-topology") }
        return store
    }
}
