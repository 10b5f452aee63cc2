/// An error code as a Kafka broker answers it (e.g. 6, `NOT_LEADER_OR_FOLLOWER`), or one of librdkafka's
/// negative local codes (e.g. `_TRANSPORT`, which makes the development broker drop the connection).
///
/// Names are librdkafka's, so every code librdkafka knows can be named; Kafka's newer names for the
/// same codes (`NOT_LEADER_OR_FOLLOWER` for librdkafka 2.0.2's `NOT_LEADER_FOR_PARTITION`) are accepted too.
public struct KafkaProtocolErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protocol's number for the error.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The code named `text` (librdkafka's name, case-insensitive, e.g. `REQUEST_TIMED_OUT`) or written
    /// as its number; `nil` for neither.
    public init?(_ text: String) {
        if let number = Int32(text) {
            self.init(rawValue: number)
        } else if let code = RDKafkaErrorNames.code(named: text.uppercased()) {
            self.init(rawValue: code)
        } else {
            return nil
        }
    }

    /// librdkafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`.
    public var name: String { RDKafkaErrorNames.name(of: rawValue) }

    public var description: String { "\(name) (\(rawValue))" }
}
