import Testing
@testable import StreamCore
import TributaryTestSupport

@Suite("RocksDB edge")
struct RocksDBDatabaseTests {
    private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func putThenGetReturnsTheValue() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        try db.put(bytes("k"), bytes("v"))
        #expect(try db.get(bytes("k")) == bytes("v"))
    }

    @Test func databasesSharingABlockCacheKeepWorkingWhenOneCloses() throws {
        let (first, second) = (TemporaryDirectory(), TemporaryDirectory())
        var options = RocksDBOptions()
        options.blockCache = RocksDBBlockCache(capacityBytes: 1 << 20)
        options.writeBufferSizeBytes = 256 * 1024
        options.maxWriteBufferNumber = 2
        options.databaseWriteBufferSizeBytes = 512 * 1024
        let one = try RocksDBDatabase(path: first.path, columnFamilies: ["data"], options: options)
        let other = try RocksDBDatabase(path: second.path, columnFamilies: ["data"], options: options)
        options.blockCache = nil
        try one.put(bytes("k"), bytes("one"), in: "data")
        try other.put(bytes("k"), bytes("other"), in: "data")
        one.close()
        #expect(try other.get(bytes("k"), in: "data") == bytes("other"))
    }

    @Test func missingKeyIsNil() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        #expect(try db.get(bytes("absent")) == nil)
    }

    @Test func emptyValueIsDistinctFromMissing() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        try db.put(bytes("k"), [])
        #expect(try db.get(bytes("k")) == [])
    }

    @Test func deleteRemovesAndDeletingMissingKeyIsHarmless() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        try db.put(bytes("k"), bytes("v"))
        try db.delete(bytes("k"))
        try db.delete(bytes("never-there"))
        #expect(try db.get(bytes("k")) == nil)
    }

    @Test func binaryKeysWithZeroBytesAreKeptWhole() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        let a: [UInt8] = [0, 0, 1]
        let b: [UInt8] = [0, 0]
        let c: [UInt8] = [0]
        try db.put(a, [0, 0xFF, 0])
        try db.put(b, [1])
        try db.put(c, [2])
        #expect(try db.get(a) == [0, 0xFF, 0])
        #expect(try db.get(b) == [1])
        #expect(try db.get(c) == [2])
        #expect(try db.entries().map(\.key) == [c, b, a])
    }

    @Test func iterationIsInBytewiseKeyOrder() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        let keys: [[UInt8]] = [[0x02], [0x01, 0xFF], [0xFF], [0x01], [0x80, 0x00], [0x7F]]
        for key in keys { try db.put(key, key) }
        let expected = keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(try db.entries().map(\.key) == expected)
        #expect(try db.entries(reverse: true).map(\.key) == expected.reversed())
    }

    @Test func rangeIsHalfOpenAndLimitIsHonoured() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        for i in 0..<10 { try db.put([UInt8(i)], [UInt8(i * 2)]) }
        let range = RocksDBKeyRange(from: [3], to: [7])
        #expect(try db.entries(in: range).map(\.key) == [[3], [4], [5], [6]])
        #expect(try db.entries(in: range).map(\.value) == [[6], [8], [10], [12]])
        #expect(try db.entries(in: range, limit: 2).map(\.key) == [[3], [4]])
        #expect(try db.entries(in: range, reverse: true, limit: 2).map(\.key) == [[6], [5]])
    }

    @Test func prefixScanReturnsOnlyKeysWithThePrefix() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        for key in ["user:1", "user:2", "user;", "use", "user:1:orders", "v"] { try db.put(bytes(key), bytes(key)) }
        #expect(try db.entries(in: .prefix(bytes("user:"))).map(\.key) == ["user:1", "user:1:orders", "user:2"].map(bytes))
        // A prefix ending in 0xFF bytes still has a correct upper bound.
        try db.put([0x01, 0xFF, 0x00], [1])
        try db.put([0x01, 0xFF], [2])
        try db.put([0x02], [3])
        #expect(try db.entries(in: .prefix([0x01, 0xFF])).map(\.key) == [[0x01, 0xFF], [0x01, 0xFF, 0x00]])
    }

    @Test func writeBatchAppliesEveryOperationTogether() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path, columnFamilies: ["offsets"])
        try db.put(bytes("old"), bytes("x"))
        var batch = RocksDBWriteBatch()
        batch.put(bytes("a"), bytes("1"))
        batch.put(bytes("b"), bytes("2"))
        batch.delete(bytes("old"))
        batch.put(bytes("p0"), bytes("42"), in: "offsets")
        try db.write(batch)
        #expect(try db.entries().map(\.key) == [bytes("a"), bytes("b")])
        #expect(try db.get(bytes("p0"), in: "offsets") == bytes("42"))
    }

    @Test func batchNamingAnUnknownColumnFamilyWritesNothing() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        var batch = RocksDBWriteBatch()
        batch.put(bytes("a"), bytes("1"))
        batch.put(bytes("b"), bytes("2"), in: "nope")
        #expect(throws: RocksDBError.self) { try db.write(batch) }
        #expect(try db.get(bytes("a")) == nil)
    }

    @Test func deleteRangeRemovesExactlyTheRange() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        for i in 0..<6 { try db.put([UInt8(i)], [1]) }
        var batch = RocksDBWriteBatch()
        batch.deleteRange(RocksDBKeyRange(from: [2], to: [4]))
        try db.write(batch)
        #expect(try db.entries().map(\.key) == [[0], [1], [4], [5]])
        batch.removeAll()
        batch.deleteRange(.all)
        try db.write(batch)
        #expect(try db.entries().isEmpty)
    }

    @Test func columnFamiliesAreSeparateKeySpaces() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path, columnFamilies: ["windows", "sessions"])
        try db.put(bytes("k"), bytes("default"))
        try db.put(bytes("k"), bytes("windows"), in: "windows")
        #expect(try db.get(bytes("k")) == bytes("default"))
        #expect(try db.get(bytes("k"), in: "windows") == bytes("windows"))
        #expect(try db.get(bytes("k"), in: "sessions") == nil)
        #expect(db.columnFamilies == ["default", "windows", "sessions"])
    }

    @Test func dataAndColumnFamiliesSurviveReopening() throws {
        let directory = TemporaryDirectory()
        do {
            let db = try RocksDBDatabase(path: directory.path, columnFamilies: ["cf"])
            try db.put(bytes("k"), bytes("v"), in: "cf")
            db.close()
        }
        // Reopened without naming "cf": the family on disk is opened anyway.
        let db = try RocksDBDatabase(path: directory.path)
        #expect(db.columnFamilies.contains("cf"))
        #expect(try db.get(bytes("k"), in: "cf") == bytes("v"))
    }

    @Test func useAfterCloseThrowsClosed() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        db.close()
        db.close()
        #expect {
            try db.get([1])
        } throws: { ($0 as? RocksDBError)?.code == .closed }
    }

    @Test func secondOpenOfTheSameDirectoryFailsWithRocksDBsMessage() throws {
        let directory = TemporaryDirectory()
        let db = try RocksDBDatabase(path: directory.path)
        #expect {
            _ = try RocksDBDatabase(path: directory.path)
        } throws: { error in
            guard let error = error as? RocksDBError else { return false }
            return error.code == .openFailed && error.message.contains("lock")
        }
        db.close()
    }

    @Test func openingAMissingDirectoryWithoutCreateFails() throws {
        let directory = TemporaryDirectory()
        var options = RocksDBOptions()
        options.createIfMissing = false
        #expect(throws: RocksDBError.self) { _ = try RocksDBDatabase(path: directory.appending("absent"), options: options) }
    }
}
