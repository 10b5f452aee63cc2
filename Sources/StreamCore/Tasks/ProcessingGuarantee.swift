/// What a stream thread promises about its outputs (`processing-guarantee` in a topology file,
/// `runner run --processing-guarantee`). State is exact under both: each input is applied to state once.
///
/// An open-ended set, like Kafka Streams' `processing.guarantee`.
public struct ProcessingGuarantee: Hashable, Sendable, CustomStringConvertible {
    /// The name used in topology files and on the command line.
    public let name: String

    private init(_ name: String) { self.name = name }

    /// Outputs are written at least once: after a crash, outputs since the last commit repeat (with the
    /// same `tributary.id`). Offsets are committed by the consumer after outputs are acknowledged.
    public static let atLeastOnce = ProcessingGuarantee("at_least_once")
    /// Outputs, changelog records and processed offsets of one commit interval form one Kafka
    /// transaction (a transactional producer per stream thread): `read_committed` readers see each
    /// output once. Kafka Streams' `exactly_once_v2`.
    public static let exactlyOnceV2 = ProcessingGuarantee("exactly_once_v2")

    /// Every guarantee, in the order documentation lists them.
    public static let all: [ProcessingGuarantee] = [.atLeastOnce, .exactlyOnceV2]

    /// The guarantee called `name`; nil for an unknown name.
    public init?(name: String) {
        guard let known = Self.all.first(where: { $0.name == name }) else { return nil }
        self = known
    }

    public var description: String { name }
}
