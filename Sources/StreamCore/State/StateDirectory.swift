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
