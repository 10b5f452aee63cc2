import Testing
import TributaryTestSupport

@testable import StreamCore

/// ``ChangelogWriters`` applies a restore's batches on other threads: each store's batches in the order
/// they were handed over, and a failure reaches the restore instead of being lost on a worker thread.
@Suite("Changelog writers")
struct ChangelogWritersTests {
    @Test func eachStoreEndsWithItsLastBatchWhateverTheOtherStoresDo() throws {
        let directory = TemporaryDirectory("tributary-changelog-writers")
        let stores = try (0..<3).map { partition in
            try KeyValueStore(name: "s", directory: "\(directory.path)/\(partition)", changelog: TopicPartition("s-changelog", Int32(partition)))
        }
        defer { stores.forEach { $0.close() } }
        let writers = ChangelogWriters(changelogs: stores.map(\.changelog))
        // Every batch rewrites the same keys: only the batches' order decides what each store ends with.
        var offset: Int64 = 0
        for _ in 0..<50 {
            for store in stores {
                let batch = (0..<20).map { key in
                    ConsumerRecord(topic: store.changelog.topic, partition: store.changelog.partition, offset: offset + Int64(key),
                                   key: Array("k\(key)".utf8), value: Array("\(offset)".utf8), timestamp: 0)
                }
                writers.write(batch[...], through: offset + 20, to: store)
            }
            offset += 20
        }
        let applied = try writers.waitForWrites()
        #expect(applied == Dictionary(uniqueKeysWithValues: stores.map { ($0.changelog, 50 * 20) }))
        for store in stores {
            #expect(try store.changelogOffset == offset)
            #expect(try store.entries().allSatisfy { $0.value == Array("\(offset - 20)".utf8) })
        }
        #expect(try writers.waitForWrites().isEmpty, "a wait returns what was applied since the last one")
    }

    @Test func aFailedWriteFailsTheWaitAndSkipsTheWritesAfterIt() throws {
        let directory = TemporaryDirectory("tributary-changelog-writers-failure")
        let store = try KeyValueStore(name: "s", directory: directory.path, changelog: TopicPartition("s-changelog", 0))
        let writers = ChangelogWriters(changelogs: [store.changelog])
        store.close()
        let record = ConsumerRecord(topic: "s-changelog", partition: 0, offset: 0, key: [1], value: [2], timestamp: 0)
        writers.write([record][...], through: 1, to: store)
        writers.write([record][...], through: 1, to: store)
        #expect(throws: RocksDBError.self) { try writers.waitForWrites() }
    }
}
