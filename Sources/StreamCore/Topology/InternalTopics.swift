/// The names of the topics (and consumer groups) an application keeps for itself, all prefixed with
/// its application id as Kafka Streams names its internal topics. The one place these names are made:
/// the engine, the DSL's topic planning, the sinks and the commands that read them all ask here.
public enum InternalTopics {
    /// Where records that cannot be processed go: `<application>-dlq`.
    public static func deadLetters(of application: String) -> String { "\(application)-dlq" }

    /// The changelog of state store `store`: `<application>-<store>-changelog`.
    public static func changelog(of store: String, in application: String) -> String { "\(application)-\(store)-changelog" }

    /// The topic a `group-by`, `repartition` or automatic repartition named `name` re-keys through:
    /// `<application>-<name>-repartition`.
    public static func repartition(_ name: String, in application: String) -> String { "\(application)-\(name)-repartition" }

    /// The topic a sink step named `name` writes and its worker reads: `<application>-<name>-sink`;
    /// also the worker's consumer group.
    public static func sink(_ name: String, in application: String) -> String { "\(application)-\(name)-sink" }

    /// Where the runner instances of an application advertise their HTTP endpoints and partitions
    /// (one partition: every instance reads all of it): `<application>-instances`.
    public static func instances(of application: String) -> String { "\(application)-instances" }

    /// The consumer group `runner replay-dlq` reads the dead letters in by default.
    public static func deadLetterReplayGroup(of application: String) -> String { "\(application)-dlq-replay" }
}
