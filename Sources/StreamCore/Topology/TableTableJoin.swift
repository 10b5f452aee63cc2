/// Two tables joined on the key (Kafka Streams' `KTable#join(KTable)`, `leftJoin`, `outerJoin`): an
/// update of either side looks up the other side's current value and emits the joined value for the
/// key — or a deletion (null) when the kind says the key has no joined value now. The result is a table.
public struct TableTableJoin: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A joined value while both sides have one.
        case inner
        /// While the left side has one (the right may be null).
        case left
        /// While either side has one.
        case outer
    }

    /// The joined value; a side without a value is null.
    public typealias Joiner = @Sendable (_ left: JSONValue, _ right: JSONValue, _ update: StreamRecord) throws -> JSONValue

    public var leftStore: String
    public var rightStore: String
    public var kind: Kind
    public var joiner: Joiner

    public init(leftStore: String, rightStore: String, kind: Kind, joiner: @escaping Joiner) {
        self.leftStore = leftStore
        self.rightStore = rightStore
        self.kind = kind
        self.joiner = joiner
    }

    /// Whether the key has a joined value when the sides hold these values.
    func joins(left: JSONValue, right: JSONValue) -> Bool {
        switch kind {
        case .inner: !left.isNull && !right.isNull
        case .left: !left.isNull
        case .outer: !left.isNull || !right.isNull
        }
    }
}
