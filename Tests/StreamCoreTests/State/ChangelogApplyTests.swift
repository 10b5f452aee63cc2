import Foundation
import Testing
import TributaryTestSupport

@testable import StreamCore

/// A store applying changelog records (a restore, a standby replica) ends with each key's last write,
/// however often the key repeats within a batch and whatever its order: the batch is written in key
/// order, one entry per key, so this pins that the reordering keeps the changelog's meaning. Expected
/// contents come from a plain dictionary fed the same records in offset order.
@Suite("Changelog apply")
struct ChangelogApplyTests {
    @Test(arguments: [1, 2, 3]) func eachKeyEndsWithItsLastWriteInTheChangelog(seed: UInt64) throws {
        let directory = TemporaryDirectory("tributary-changelog-apply")
        let changelog = TopicPartition("s-changelog", 0)
        let store = try KeyValueStore(name: "s", directory: directory.path, changelog: changelog)
        defer { store.close() }
        var random = SeededRandom(seed: seed)
        var model: [[UInt8]: [UInt8]] = [:]
        var offset: Int64 = 0
        var appliedExpected = 0
        for _ in 0..<20 {
            var batch: [ConsumerRecord] = []
            for _ in 0..<Int.random(in: 1..<300, using: &random) {
                // Few keys of different lengths ("k7" before "k70"), so that most repeat in a batch.
                let key = Array("k\(Int.random(in: 0..<100, using: &random))".utf8)
                let value: [UInt8]? = Int.random(in: 0..<4, using: &random) == 0 ? nil : Array("v\(offset)".utf8)
                var headers: [KafkaHeader] = []
                if Int.random(in: 0..<50, using: &random) == 0 { headers = [KafkaHeader(KeyValueStore.checkpointHeader, Array("cp\(offset)".utf8))] }
                batch.append(ConsumerRecord(topic: changelog.topic, partition: 0, offset: offset, key: key, value: value, headers: headers, timestamp: 0))
                offset += 1
                if headers.isEmpty {
                    model[key] = value
                    appliedExpected += 1
                }
            }
            // A restore applies a run of one partition's records out of a poll of many partitions: the
            // batch comes as a slice behind records of another partition, which must not be applied.
            let otherPartition = (0..<Int.random(in: 0..<5, using: &random)).map { index in
                ConsumerRecord(topic: changelog.topic, partition: 1, offset: Int64(index), key: Array("other\(index)".utf8), value: [1], timestamp: 0)
            }
            let polled = otherPartition + batch
            appliedExpected -= try store.applyChangelog(polled[otherPartition.count...], through: offset)
        }
        #expect(appliedExpected == 0, "every data record counts as applied")
        let stored = try store.entries()
        #expect(stored.map(\.key) == model.keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(stored.allSatisfy { model[$0.key] == $0.value })
        #expect(try store.changelogOffset == offset)
    }
}
