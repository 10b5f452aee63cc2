import Foundation

/// What the stream threads of one application instance share about tasks: which tasks are active on
/// one of them, and the standby copies the instance keeps of other instances' tasks.
///
/// Every thread is a group member of its own, so a rebalance can move a task from one thread to
/// another within the instance; a task's stores (RocksDB holds one lock per store) must then be
/// closed by the thread or standby copy that had them before the next opens them. Both happen under
/// this one lock: a standby copy is only opened for a task no thread has active, and a thread takes a
/// task (``activate(_:)``) only after its standby copy is closed.
///
/// - Note: The first stream thread keeps the standby copies (``startStandbys(_:)``, ``updateStandbys(planned:)``);
///   any thread may activate a task.
final class InstanceTasks: @unchecked Sendable {
    // @unchecked: every property is read and written under `lock` only; `StandbyTasks` (a consumer and
    // stores) is used by whichever thread holds it.
    private let lock = NSLock()
    /// The tasks each thread (by name) has open. Kept per thread: a thread that closes a task it lost may
    /// do so after the group gave the task to a sibling, which has it open by then.
    private var active: [String: Set<TaskID>] = [:]
    private var standbys: StandbyTasks?

    /// Marks `ids` active on `thread`, closing their standby copies (the task's restore finds what the
    /// copy holds). Call before opening the tasks.
    func activate(_ ids: Set<TaskID>, on thread: String) {
        lock.withLock {
            active[thread, default: []].formUnion(ids)
            standbys?.release(ids)
        }
    }

    /// Marks `ids` no longer active on `thread` (closed, revoked or lost). Call after closing the tasks.
    func deactivate(_ ids: some Sequence<TaskID>, on thread: String) {
        lock.withLock { _ = active[thread]?.subtract(ids) }
    }

    /// Starts keeping standby copies with `standbys` (the first stream thread, when it starts).
    func startStandbys(_ standbys: StandbyTasks) {
        lock.withLock { self.standbys = standbys }
    }

    /// Keeps copies of the `planned` tasks that no thread has active, and applies what their changelogs
    /// received since the last call.
    func updateStandbys(planned: Set<TaskID>?) throws {
        try lock.withLock {
            guard let standbys else { return }
            if let planned { try standbys.keep(active.values.reduce(planned) { $0.subtracting($1) }) }
            try standbys.update()
        }
    }

    /// Closes the standby copies (the thread keeping them stops).
    func stopStandbys() {
        lock.withLock {
            standbys?.close()
            standbys = nil
        }
    }
}
