import Synchronization

/// HTTP ports for the runners and servers tests start on a port of their choosing: distinct within a
/// test run, so tests running side by side never pick the same one, and below Linux's ephemeral range
/// (32768 and up), so no outgoing connection holds one.
enum TestPorts {
    private static let counter = Atomic<Int>(20_000 + Int.random(in: 0..<6_000))

    static func next() -> Int {
        counter.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
