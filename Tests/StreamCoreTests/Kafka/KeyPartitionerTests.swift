@testable import StreamCore
import Testing

@Suite("KeyPartitioner")
struct KeyPartitionerTests {
    /// The cases of Kafka's own `UtilsTest.testMurmur2` (Java's signed 32-bit results).
    @Test(arguments: [
        ("21", -973_932_308), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829), ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971), ("abc", 479_470_107),
    ])
    func murmur2MatchesTheJavaClient(text: String, java: Int32) {
        #expect(Int32(bitPattern: KeyPartitioner.murmur2(Array(text.utf8))) == java)
    }

    @Test func partitionIsThePositiveHashModuloTheCount() {
        // -973932308 & 0x7fffffff = 1173551340; 1173551340 % 12 = 0
        #expect(KeyPartitioner.partition(of: Array("21".utf8), partitions: 12) == 1_173_551_340 % 12)
        #expect((0..<500).allSatisfy { KeyPartitioner.partition(of: Array("key-\($0)".utf8), partitions: 7) < 7 })
    }
}
