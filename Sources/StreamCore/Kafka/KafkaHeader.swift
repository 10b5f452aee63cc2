/// One record header. Kafka allows repeated names and null values, so headers are an ordered list.
public struct KafkaHeader: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]?

    public init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// A header whose value is the UTF-8 bytes of `value`.
    public init(_ name: String, _ value: String) {
        self.init(name, Array(value.utf8))
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the last header named `name`, as Kafka clients read a "latest wins" header.
    public func lastValue(named name: String) -> [UInt8]? {
        last { $0.name == name }?.value
    }
}
