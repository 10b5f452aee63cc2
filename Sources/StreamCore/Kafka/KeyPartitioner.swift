/// Where a keyed record lands: the partition the engine's producers (librdkafka `murmur2_random`) and
/// Java clients' default partitioner pick for a non-null key, so that a key's owner can be found
/// without asking the broker.
public enum KeyPartitioner {
    /// `murmur2(key) & 0x7fffffff % partitions`, as Kafka's `Utils.murmur2` and librdkafka's
    /// `rd_murmur2` compute it.
    public static func partition(of key: [UInt8], partitions: Int) -> Int32 {
        precondition(partitions > 0, "a topic has at least one partition")
        return Int32((murmur2(key) & 0x7fff_ffff) % UInt32(partitions))
    }

    static func murmur2(_ data: [UInt8]) -> UInt32 {
        let multiplier: UInt32 = 0x5bd1_e995
        var hash: UInt32 = 0x9747_b28c ^ UInt32(data.count)
        var index = 0
        while index + 4 <= data.count {
            var word = UInt32(data[index]) | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2]) << 16 | UInt32(data[index + 3]) << 24
            word &*= multiplier
            word ^= word >> 24
            word &*= multiplier
            hash &*= multiplier
            hash ^= word
            index += 4
        }
        switch data.count - index {
        case 3:
            hash ^= UInt32(data[index + 2]) << 16
            fallthrough
        case 2:
            hash ^= UInt32(data[index + 1]) << 8
            fallthrough
        case 1:
            hash ^= UInt32(data[index])
            hash &*= multiplier
        default:
            break
        }
        hash ^= hash >> 13
        hash &*= multiplier
        hash ^= hash >> 15
        return hash
    }
}
