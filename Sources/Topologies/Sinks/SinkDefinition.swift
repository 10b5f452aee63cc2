import Logging
import Sinks
import StreamCore

/// A step that delivers records outside Kafka (`salesforce`, `http`, `file`).
///
/// Every sink works the same way: the topology turns each record into a message and writes it to the
/// sink topic `<application-id>-NAME-sink`; the runner starts a ``SinkWorker`` that reads that topic in
/// its own consumer group and hands batches to the sink's ``SinkDestination``, retrying, pausing and
/// dead-lettering as ``SinkDeliveryOptions`` say. A kind of sink is one definition conforming to this
/// protocol (and to ``SinkStep``, which reads it from YAML), one destination in the Sinks module, and
/// one entry in ``SinkKinds/all``.
public protocol SinkDefinition: Sendable {
    /// The step's keyword in a topology file.
    static var keyword: String { get }

    /// What every sink step has: its name, batching, retry and whether it is optional.
    var delivery: SinkDeliveryOptions { get }

    /// What the step makes of each record before it is written to the sink topic: the key is what
    /// updates of one thing share (records of one key are delivered in order, and coalesce where the
    /// worker coalesces), the value is what the destination receives.
    func messageBuilder() -> @Sendable (inout StreamRecord) throws -> Void

    /// The destination, its settings read from `environment` when the runner starts.
    func destination(environment: [String: String], logger: Logger) -> Result<any SinkDestination, SinkSettingProblem>

    /// Sets what the worker does differently from ``SinkDeliveryOptions``' defaults (whether records of
    /// one key replace each other while they wait, how many requests go at once).
    func configure(_ worker: inout SinkWorkerConfiguration)

    /// What the sink delivers where, for `runner describe`: `HTTP POST https://…, batches of 100`.
    var summary: String { get }
}

extension SinkDefinition {
    /// The step's keyword.
    public var keyword: String { Self.keyword }

    /// `<application-id>-NAME-sink`.
    public func topic(application: String) -> String { delivery.topic(application: application) }

    public func configure(_ worker: inout SinkWorkerConfiguration) {}

    /// The configuration of the sink's worker in `application`: its own consumer group, the
    /// application's dead-letter topic, the runner's Kafka properties, then the sink's own settings.
    public func workerConfiguration(application: String, bootstrapServers: String, kafkaProperties: [String: String]) -> SinkWorkerConfiguration {
        var worker = SinkWorkerConfiguration(
            name: delivery.name.value, bootstrapServers: bootstrapServers, topic: topic(application: application),
            groupID: InternalTopics.sink(delivery.name.value, in: application), deadLetterTopic: InternalTopics.deadLetters(of: application))
        worker.kafkaProperties = kafkaProperties
        worker.backoff = BackoffPolicy(initial: .milliseconds(delivery.retryInitialMilliseconds), maximum: .milliseconds(delivery.retryMaxMilliseconds))
        if let batch = delivery.batch {
            worker.batchSize = batch.size
            worker.linger = .milliseconds(batch.lingerMilliseconds)
        }
        configure(&worker)
        return worker
    }
}

/// The settings every sink step takes: `name`, `batch`, `retry` and `optional`.
public struct SinkDeliveryOptions: Sendable {
    /// The fields that set these, beside each kind's own.
    static let fields = ["batch", "name", "optional", "retry"]

    /// `batch: { size: N, linger: DURATION }`: up to `size` records per call; a smaller batch goes
    /// once its oldest record waited `linger`.
    public struct Batch: Sendable, Equatable {
        public var size: Int
        public var lingerMilliseconds: Int64

        public init(size: Int, lingerMilliseconds: Int64) {
            self.size = size
            self.lingerMilliseconds = lingerMilliseconds
        }
    }

    /// The sink's name (`name:`; each kind has a default): its topic, consumer group and metrics.
    public var name: Located<String>
    /// `batch:`, or the kind's default; `nil` where records go one per call.
    public var batch: Batch?
    /// `retry: { initial: DURATION, max: DURATION }` — backoff of failed calls.
    public var retryInitialMilliseconds: Int64
    public var retryMaxMilliseconds: Int64
    /// `optional: true` — when a setting it needs is not set, the sink is off for this run (the
    /// runner says so) instead of refusing to start; its records wait in the sink topic.
    public var isOptional: Bool
    /// Where the step is written.
    public var location: SourceLocation

    public init(
        name: Located<String>, batch: Batch?, retryInitialMilliseconds: Int64 = 500, retryMaxMilliseconds: Int64 = 30_000,
        isOptional: Bool = false, location: SourceLocation
    ) {
        self.name = name
        self.batch = batch
        self.retryInitialMilliseconds = retryInitialMilliseconds
        self.retryMaxMilliseconds = retryMaxMilliseconds
        self.isOptional = isOptional
        self.location = location
    }

    /// `<application-id>-NAME-sink`.
    public func topic(application: String) -> String { InternalTopics.sink(name.value, in: application) }
}

/// Why a sink's destination cannot be made from the environment.
public struct SinkSettingProblem: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the setting and the variables it comes from.
    public var message: String
    /// A setting is not set at all (rather than set wrongly): an optional sink is then off.
    public var isMissingSetting: Bool

    public init(_ message: String, isMissingSetting: Bool = false) {
        self.message = message
        self.isMissingSetting = isMissingSetting
    }

    /// `what` (`'url'`, `header 'X-Key'`) is not set: its `setting` references an unset variable.
    static func notSet(_ what: String, from setting: EnvironmentSetting) -> SinkSettingProblem {
        SinkSettingProblem("\(what) is not set (from \(setting.variables.map { "$\($0)" }.joined(separator: ", ")))", isMissingSetting: true)
    }

    public var description: String { message }
}
