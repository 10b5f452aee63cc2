/// Java's `Utils.murmur2` and the default partitioner's use of it, written from the Java client's
/// source as an independent reference for where keyed records must land.
enum JavaMurmur2 {
    static func hash(_ data: [UInt8]) -> UInt32 {
        let m: UInt32 = 0x5bd1_e995
        var h: UInt32 = 0x9747_b28c ^ UInt32(data.count)
        let whole = data.count / 4
        for i in 0..<whole {
            var k = UInt32(data[i * 4]) | UInt32(data[i * 4 + 1]) << 8 | UInt32(data[i * 4 + 2]) << 16 | UInt32(data[i * 4 + 3]) << 24
            k = k &* m
            k ^= k >> 24
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = whole * 4
        let remaining = data.count % 4
        if remaining == 3 { h ^= UInt32(data[tail + 2]) << 16 }
        if remaining >= 2 { h ^= UInt32(data[tail + 1]) << 8 }
        if remaining >= 1 {
            h ^= UInt32(data[tail])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }

    static func partition(forKey key: [UInt8], partitions: Int) -> Int32 {
        Int32((hash(key) & 0x7fff_ffff) % UInt32(partitions))
    }

    /// The first of `PREFIX0`, `PREFIX1`, … that a Java producer would send to `partition` of a topic
    /// with `partitions` partitions: a key for reaching one partition on purpose.
    static func key(prefix: String, landingIn partition: Int, of partitions: Int = 4) -> String {
        (0...).lazy.map { "\(prefix)\($0)" }.first { Self.partition(forKey: Array($0.utf8), partitions: partitions) == partition }!
    }
}
