import StreamCore
/// `http:` — sends each record's body to an HTTP endpoint, through the sink topic
/// `<application-id>-NAME-sink` and a sink worker that retries, pauses and dead-letters.
public struct HTTPSinkDefinition: Sendable {
    public enum Method: String, Sendable {
        case post = "POST"
        case put = "PUT"
    }

    /// The sink's name (`name:`, default `http-<pipeline>`): its topic, consumer group and metrics.
    public var name: Located<String>
    /// `url:` — literal or with `${VAR}`, read when the topology starts.
    public var url: EnvironmentSetting
    public var method: Method
    /// `body:` — default: the record's value.
    public var body: ValueTemplate?
    /// Headers whose values contain `${VAR}`: read from the environment at start, the same for every request.
    public var fixedHeaders: [String: EnvironmentSetting]
    /// Headers whose values are expressions over the record.
    public var recordHeaders: [String: ExpressionText]
    /// `batch: { size: N, linger: D }` — with a batch, one request carries up to N bodies as a JSON
    /// array; without, each record is its own request (`parallel` at a time).
    public var batchSize: Int?
    public var lingerMilliseconds: Int64
    /// `parallel:` — requests in flight at once without a batch (default 8).
    public var parallel: Int
    public var retryInitialMilliseconds: Int64
    public var retryMaxMilliseconds: Int64
    /// `optional: true` — when a setting it needs is not set, the sink is off for this run (the
    /// runner says so) instead of refusing to start; its records wait in the sink topic.
    public var isOptional: Bool
    public var location: SourceLocation

    public init(
        name: Located<String>, url: EnvironmentSetting, method: Method, body: ValueTemplate?, fixedHeaders: [String: EnvironmentSetting],
        recordHeaders: [String: ExpressionText], batchSize: Int?, lingerMilliseconds: Int64, parallel: Int,
        retryInitialMilliseconds: Int64, retryMaxMilliseconds: Int64, isOptional: Bool = false, location: SourceLocation
    ) {
        self.name = name
        self.url = url
        self.method = method
        self.body = body
        self.fixedHeaders = fixedHeaders
        self.recordHeaders = recordHeaders
        self.batchSize = batchSize
        self.lingerMilliseconds = lingerMilliseconds
        self.parallel = parallel
        self.retryInitialMilliseconds = retryInitialMilliseconds
        self.retryMaxMilliseconds = retryMaxMilliseconds
        self.isOptional = isOptional
        self.location = location
    }

    /// `<application-id>-NAME-sink`.
    public func topic(application: String) -> String { InternalTopics.sink(name.value, in: application) }
}
