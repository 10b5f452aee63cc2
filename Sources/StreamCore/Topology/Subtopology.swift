/// A connected part of a topology: the nodes between its source topics and its sinks, cut at
/// repartition topics (Kafka Streams' sub-topology). Each input partition number of a sub-topology is
/// one task, with its own state stores.
public struct Subtopology: Sendable, Hashable {
    /// Position in ``Topology/subtopologies``; the first half of a task id (`1_3`).
    public let id: Int
    /// Topics read (external and repartition), sorted. Co-partitioned: partition *p* of each is task *p*.
    public let sourceTopics: [String]
    /// The state stores the sub-topology's nodes write, sorted.
    public let stores: [String]
    /// Topics the sub-topology's nodes write (repartition topics included), sorted.
    public let sinkTopics: [String]
}

/// One task: a sub-topology's nodes applied to one partition number of its source topics.
public struct TaskID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let subtopology: Int
    public let partition: Int32

    public init(subtopology: Int, partition: Int32) {
        self.subtopology = subtopology
        self.partition = partition
    }

    public static func < (lhs: TaskID, rhs: TaskID) -> Bool {
        (lhs.subtopology, lhs.partition) < (rhs.subtopology, rhs.partition)
    }

    /// `subtopology_partition`, as Kafka Streams names task directories.
    public var description: String { "\(subtopology)_\(partition)" }
}
