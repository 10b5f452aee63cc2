import Foundation
#if canImport(Glibc)
import Glibc
import TributaryTestSupport
#endif

/// A tmpfs of a chosen size mounted on a fresh directory: a disk that really fills up, for tests of
/// what a full disk does. Mounting needs root (CAP_SYS_ADMIN), which CI's machine has; ``isAvailable``
/// says whether this one does.
final class TmpfsMount: Sendable {
    /// Where it is mounted: removed (after the unmount in `deinit`) with the mount point.
    private let mountPoint = TemporaryDirectory("tributary-tmpfs")
    var path: String { mountPoint.path }

    /// Whether tmpfs file systems can be mounted here.
    static let isAvailable: Bool = (try? TmpfsMount(kilobytes: 64)) != nil

    init(kilobytes: Int) throws {
        guard mount("tmpfs", mountPoint.path, "tmpfs", 0, "size=\(kilobytes)k") == 0 else {
            throw TestFailure("cannot mount a tmpfs on \(mountPoint.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Grows (or shrinks) the file system in place, its files kept: the disk an operator cleaned up.
    func resize(kilobytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(kilobytes)k") == 0 else {
            throw TestFailure("cannot resize the tmpfs on \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { umount2(mountPoint.path, Int32(MNT_DETACH)) }
}
