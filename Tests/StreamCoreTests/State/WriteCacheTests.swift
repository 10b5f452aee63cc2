import Testing

@testable import StreamCore

/// A flush sends a store's writes to its changelog and RocksDB in key order (``WriteCache/writesInKeyOrder``),
/// so that a restore finds each flush's records sorted.
@Suite("Write cache")
struct WriteCacheTests {
    @Test func writesComeOutInKeyOrderWithTheirLastValueDeletesIncluded() {
        var cache = WriteCache()
        var random = SystemRandomNumberGenerator()
        var model: [[UInt8]: [UInt8]?] = [:]
        for _ in 0..<500 {
            // Keys of different lengths and a byte above 127: byte order, not string order.
            let key = Array("k\(Int.random(in: 0..<60, using: &random))".utf8) + (Bool.random(using: &random) ? [200] : [])
            let value: [UInt8]? = Int.random(in: 0..<5, using: &random) == 0 ? nil : [UInt8.random(in: 0...255, using: &random)]
            cache.write(key, value)
            model[key] = value
        }
        let writes = cache.writesInKeyOrder
        #expect(writes.map(\.key) == model.keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(writes.allSatisfy { model[$0.key] == $0.value })
    }
}
