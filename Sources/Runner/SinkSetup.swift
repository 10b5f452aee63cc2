import ArgumentParser
import Foundation
import Logging
import Sinks
import StreamCore
import Topologies

/// The sink steps (`salesforce`, `http`) of the loaded topologies, with their settings read from the
/// environment at start-up: a missing or malformed setting stops the runner before anything runs,
/// naming the file, line and column of the step and the variable.
struct SinkSetup {
    private struct SalesforceSink {
        let application: String
        let definition: SalesforceSinkDefinition
        let connection: SalesforceConnection
    }

    private struct HTTPSink {
        let application: String
        let definition: HTTPSinkDefinition
        let endpoint: WebhookDestination.Endpoint
    }

    private let salesforceSinks: [SalesforceSink]
    private let httpSinks: [HTTPSink]
    /// Optional sinks left off because a setting they need is not set: why, per sink.
    private let sinksOff: [String]

    /// Reads every sink's connection from `environment`, or prints every problem and exits with status 1.
    init(_ topologies: [LoadedTopology], environment: [String: String]) throws {
        var sinks: [SalesforceSink] = []
        var httpSinks: [HTTPSink] = []
        var problems: [String] = []
        var sinksOff: [String] = []
        for topology in topologies {
            for definition in topology.definition.salesforceSinks {
                var settings: [String: String] = [:]
                for (name, setting) in definition.connection {
                    if let value = setting.resolve(in: environment) { settings[name] = value }
                }
                do throws(SalesforceConnectionError) {
                    let connection = try SalesforceConnection.from(settings: settings)
                    sinks.append(SalesforceSink(application: topology.topology.applicationID, definition: definition, connection: connection))
                } catch {
                    let problem = "\(definition.location): salesforce sink '\(definition.name.value)': \(error)\(Self.hint(error, definition))"
                    if definition.isOptional, error.isMissingSetting { sinksOff.append(problem) } else { problems.append(problem) }
                }
            }
            for definition in topology.definition.httpSinks {
                switch Self.endpoint(of: definition, environment: environment) {
                case .success(let endpoint): httpSinks.append(HTTPSink(application: topology.topology.applicationID, definition: definition, endpoint: endpoint))
                case .failure(let problem):
                    let message = "\(definition.location): http sink '\(definition.name.value)': \(problem.message)"
                    if definition.isOptional, problem.isMissingSetting { sinksOff.append(message) } else { problems.append(message) }
                }
            }
        }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
        salesforceSinks = sinks
        self.httpSinks = httpSinks
        self.sinksOff = sinksOff
    }

    /// A sink worker per sink, reading its sink topic on `bootstrapServers`.
    func workers(bootstrapServers: String, kafkaProperties: [String: String], logger: Logger) -> [SinkWorker] {
        for reason in sinksOff {
            logger.notice("optional sink off for this run; its records wait in its sink topic: \(reason)")
        }
        let salesforce = salesforceSinks.map { sink in
            let definition = sink.definition
            var configuration = Self.workerConfiguration(
                sink.application, definition.name.value, definition.topic(application: sink.application), bootstrapServers, kafkaProperties,
                retry: (definition.retryInitialMilliseconds, definition.retryMaxMilliseconds))
            configuration.batchSize = definition.batchSize
            configuration.linger = .milliseconds(definition.lingerMilliseconds)
            configuration.probeInterval = .milliseconds(definition.probeEveryMilliseconds)
            let operation: SalesforceObjectWrite.Operation = switch definition.operation {
            case .upsert(let field): .upsert(externalIDField: field)
            case .insert: .insert
            case .update: .update
            }
            var write = SalesforceObjectWrite(sObject: definition.sObject.value, operation: operation, apiVersion: definition.apiVersion)
            write.slowDownAt = definition.slowDownAt
            write.slowPace = .milliseconds(definition.slowPaceMilliseconds)
            let destination = SalesforceDestination(sink: definition.name.value, write: write, connection: sink.connection)
            logger.info("salesforce sink configured", metadata: ["sink": "\(definition.name.value)", "connection": "\(sink.connection)"])
            return SinkWorker(configuration: configuration, destination: destination, logger: logger)
        }
        let http = httpSinks.map { sink in
            let definition = sink.definition
            var configuration = Self.workerConfiguration(
                sink.application, definition.name.value, definition.topic(application: sink.application), bootstrapServers, kafkaProperties,
                retry: (definition.retryInitialMilliseconds, definition.retryMaxMilliseconds))
            configuration.coalescesByKey = false
            configuration.batchSize = definition.batchSize ?? definition.parallel
            configuration.linger = .milliseconds(definition.batchSize == nil ? 0 : definition.lingerMilliseconds)
            logger.info("http sink configured", metadata: ["sink": "\(definition.name.value)", "method": "\(sink.endpoint.method.rawValue)", "host": "\(sink.endpoint.url.host ?? "")"])
            return SinkWorker(configuration: configuration, destination: WebhookDestination(endpoint: sink.endpoint), logger: logger)
        }
        return salesforce + http
    }

    /// The worker of sink `name` of `application`: its own consumer group, the application's
    /// dead-letter topic, the runner's Kafka properties and the step's retry backoff (milliseconds).
    private static func workerConfiguration(
        _ application: String, _ name: String, _ topic: String, _ bootstrapServers: String, _ kafkaProperties: [String: String], retry: (initial: Int64, maximum: Int64)
    ) -> SinkWorkerConfiguration {
        var configuration = SinkWorkerConfiguration(name: name, bootstrapServers: bootstrapServers, topic: topic, groupID: InternalTopics.sink(name, in: application), deadLetterTopic: InternalTopics.deadLetters(of: application))
        configuration.kafkaProperties = kafkaProperties
        configuration.backoff = BackoffPolicy(initial: .milliseconds(retry.initial), maximum: .milliseconds(retry.maximum))
        return configuration
    }

    private struct Problem: Error {
        let message: String
        /// A setting is not set at all (rather than set wrongly): an optional sink is then off.
        var isMissingSetting = false
    }

    /// The URL and fixed headers of an `http` sink, read from `environment`.
    private static func endpoint(of definition: HTTPSinkDefinition, environment: [String: String]) -> Result<WebhookDestination.Endpoint, Problem> {
        guard let text = definition.url.resolve(in: environment) else {
            return .failure(Problem(message: "'url' is not set (from \(definition.url.variables.map { "$\($0)" }.joined(separator: ", ")))", isMissingSetting: true))
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            return .failure(Problem(message: "'url' is not an http(s) URL: '\(text)'"))
        }
        var headers: [String: String] = [:]
        for (name, setting) in definition.fixedHeaders {
            guard let value = setting.resolve(in: environment) else {
                return .failure(Problem(message: "header '\(name)' is not set (from \(setting.variables.map { "$\($0)" }.joined(separator: ", ")))", isMissingSetting: true))
            }
            headers[name] = value
        }
        let method: WebhookDestination.Method = definition.method == .put ? .put : .post
        return .success(WebhookDestination.Endpoint(url: url, method: method, headers: headers, sendsArrays: definition.batchSize != nil))
    }

    /// Which environment variables a missing setting comes from, when the file references some.
    private static func hint(_ error: SalesforceConnectionError, _ definition: SalesforceSinkDefinition) -> String {
        let names: [String] = switch error {
        case .missing(let setting), .invalid(let setting, _): [setting]
        case .noFlow: ["username", "private-key-file", "client-secret"]
        }
        let variables = names.flatMap { definition.connection[$0]?.variables ?? [] }
        return variables.isEmpty ? "" : " (from \(variables.map { "$\($0)" }.joined(separator: ", ")))"
    }
}
