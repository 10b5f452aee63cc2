import Foundation
import Testing
import TributaryTestSupport

@testable import StreamCore

/// A store's range lookups merge its write cache (kept in key order) with what RocksDB holds: random
/// writes, deletes, flushes and rolled-back records, each followed by range and prefix lookups compared
/// with a plain dictionary of what the store should hold.
@Suite("Key-value store ranges")
struct KeyValueStoreRangeTests {
    @Test(arguments: [1, 2, 3]) func rangesMergeUnflushedWritesWithStoredEntries(seed: UInt64) throws {
        let directory = TemporaryDirectory("tributary-ranges")
        let store = try KeyValueStore(name: "s", directory: directory.path, changelog: TopicPartition("s-changelog", 0))
        defer { store.close() }
        var random = SeededRandom(seed: seed)
        var model: [[UInt8]: [UInt8]] = [:]
        func randomKey() -> [UInt8] { Array("k\(Int.random(in: 0..<40, using: &random))".utf8) }
        for step in 0..<2_000 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<55:
                let (key, value) = (randomKey(), Array("v\(step)".utf8))
                store.put(key, value)
                model[key] = value
            case 55..<80:
                let key = randomKey()
                store.delete(key)
                model[key] = nil
            case 80..<85:
                try store.flushLocally()
            default:
                // A record whose processing fails: its writes are undone, earlier ones stay.
                store.beginRecord()
                store.put(randomKey(), Array("rolled back".utf8))
                store.delete(randomKey())
                store.rollBackRecord()
            }
            let bounds = [randomKey(), randomKey()].sorted { $0.lexicographicallyPrecedes($1) }
            for range in [RocksDBKeyRange.all, RocksDBKeyRange(from: bounds[0], to: bounds[1]), RocksDBKeyRange(from: bounds[0]), .prefix(Array("k1".utf8))] {
                let expected = model.filter { range.contains($0.key) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
                let found = try store.entries(in: range)
                #expect(found.map(\.key) == expected.map(\.key) && found.map(\.value) == expected.map(\.value), "step \(step), range \(range)")
                if found.map(\.key) != expected.map(\.key) { return }
            }
        }
    }
}
