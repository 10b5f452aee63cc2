import Foundation
import Testing
@testable import StreamCore
import TributaryTestSupport

/// Which failures are the state directory's (and pause processing instead of ending it), and when a
/// directory has room to resume.
@Suite("State directory")
struct StateDirectoryTests {
    let changelog = TopicPartition("app-store-changelog", 0)

    @Test func aRefusedLocalWriteIsTheDirectorysFailure() {
        let refused = RocksDBError(code: .writeFailed, message: "IO error: No space left on device", path: "/state/app/0_0/store")
        #expect(StateDirectory.writeFailure(in: refused) != nil)
        #expect(StateDirectory.writeFailure(in: StateStoreError(store: "store", changelog: changelog, message: "local write failed", localFailure: refused)) != nil)
        #expect(StateDirectory.writeFailure(in: StateDirectory.Unusable(directory: "/state/app", code: ENOSPC)) != nil)
    }

    @Test func otherFailuresAreNot() {
        #expect(StateDirectory.writeFailure(in: StateStoreError(store: "store", changelog: changelog, message: "changelog write failed")) == nil)
        #expect(StateDirectory.writeFailure(in: RocksDBError(code: .openFailed, message: "lock held", path: "/state/app/0_0/store")) == nil)
        #expect(StateDirectory.writeFailure(in: KafkaError(code: .consumerFailed, message: "fatal")) == nil)
    }

    @Test func aWritableDirectoryWithRoomMayResumeAnUnwritableOneMayNot() throws {
        let directory = TemporaryDirectory()
        #expect(StateDirectory.hasRoomToResume("app", under: directory.path, minimumFreeBytes: 4096))
        try Data("a file".utf8).write(to: URL(fileURLWithPath: directory.appending("file")))
        #expect(!StateDirectory.hasRoomToResume("app", under: directory.appending("file"), minimumFreeBytes: 4096), "a part of the path is a file")
        let space = try #require(StateDirectory.space(at: directory.appending("not-yet-created")))
        #expect(space.availableBytes > 0 && space.totalBytes >= space.availableBytes)
    }
}
