import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `<state-dir>/<application-id>`, where an application's stores live: checked before the application
/// joins its group, so that a directory it cannot write stops it at once with the directory's name and
/// the system's reason, instead of failing (or aborting inside RocksDB) when its first task opens.
public enum StateDirectory {
    /// Why the state directory cannot be used.
    public struct Unusable: Error, Sendable, CustomStringConvertible {
        public var directory: String
        /// The system's error number.
        public var code: Int32
        public var description: String { "state directory '\(directory)' cannot be used: \(StateDirectory.explanation(of: code))" }
    }

    /// The application's directory under `stateDirectory`.
    public static func path(of application: String, under stateDirectory: String) -> String {
        URL(fileURLWithPath: stateDirectory).appendingPathComponent(application).path
    }

    /// Creates the application's directory if needed and proves it writable by writing, syncing and
    /// removing a page-sized file there (a full disk refuses a page where a byte might still fit).
    ///
    /// - Throws: ``Unusable`` naming the directory and the reason.
    public static func checkWritable(_ application: String, under stateDirectory: String) throws(Unusable) {
        let directory = path(of: application, under: stateDirectory)
        func fail() -> Unusable { Unusable(directory: directory, code: errno) }
        var prefix = ""
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { throw fail() }
        }
        let probe = directory + "/.tributary-write-check"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw fail() }
        defer { close(descriptor); unlink(probe) }
        let page = [UInt8](repeating: 0, count: 4096)
        guard write(descriptor, page, page.count) == page.count, fsync(descriptor) == 0 else { throw fail() }
    }

    /// The space on the file system holding `path` (or its nearest existing parent): the bytes an
    /// unprivileged process may still write, and the file system's size; `nil` when the system cannot say.
    public static func space(at path: String) -> (availableBytes: Int64, totalBytes: Int64)? {
        var existing = URL(fileURLWithPath: path)
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" { existing.deleteLastPathComponent() }
        var stats = statvfs()
        guard statvfs(existing.path, &stats) == 0 else { return nil }
        return (Int64(stats.f_bavail) * Int64(stats.f_frsize), Int64(stats.f_blocks) * Int64(stats.f_frsize))
    }

    /// Whether an application whose state directory refused a write may resume: the directory is
    /// writable again (``checkWritable(_:under:)``) and its file system has room — at least
    /// `minimumFreeBytes` or a twentieth of the file system, whichever is less — so that the few
    /// kilobytes RocksDB's own clean-up frees on a full disk do not start tasks that fail at once.
    public static func hasRoomToResume(_ application: String, under stateDirectory: String, minimumFreeBytes: Int64) -> Bool {
        guard (try? checkWritable(application, under: stateDirectory)) != nil else { return false }
        guard let space = space(at: path(of: application, under: stateDirectory)) else { return true }
        return space.availableBytes >= min(minimumFreeBytes, space.totalBytes / 20)
    }

    /// The local write that `error` reports a store failed to make (its RocksDB refusal), or the
    /// state directory found unusable; `nil` for any other failure. These, and only these, are
    /// failures of the state directory rather than of the application or its cluster.
    public static func writeFailure(in error: any Error) -> (any Error)? {
        switch error {
        case let error as StateStoreError: error.localFailure
        case let error as RocksDBError where error.code == .writeFailed: error
        case let error as Unusable: error
        default: nil
        }
    }

    /// What an error number means for a state directory.
    static func explanation(of code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case EROFS: "the file system is read-only"
        case ENOSPC: "no space left on the device"
        case EDQUOT: "the disk quota is exhausted"
        case ENOTDIR: "a part of the path is a file, not a directory"
        case ENOENT: "a part of the path does not exist"
        case EIO: "input/output error"
        default: "system error \(code)"
        }
    }
}
