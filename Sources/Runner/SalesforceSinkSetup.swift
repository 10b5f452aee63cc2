import ArgumentParser
import Foundation
import Logging
import Sinks
import StreamCore
import Topologies

/// The `salesforce` steps of the loaded topologies, with their connections read from the environment
/// at start-up: a missing or malformed setting stops the runner before anything runs, naming the
/// file, line and column of the step and the variable.
struct SalesforceSinkSetup {
    private struct Sink {
        let application: String
        let definition: SalesforceSinkDefinition
        let connection: SalesforceConnection
    }

    private let sinks: [Sink]

    /// Reads every sink's connection from `environment`, or prints every problem and exits with status 1.
    init(_ topologies: [LoadedTopology], environment: [String: String]) throws {
        var sinks: [Sink] = []
        var problems: [String] = []
        for topology in topologies {
            for definition in topology.definition.salesforceSinks {
                var settings: [String: String] = [:]
                for (name, setting) in definition.connection {
                    if let value = setting.resolve(in: environment) { settings[name] = value }
                }
                do throws(SalesforceConnectionError) {
                    let connection = try SalesforceConnection.from(settings: settings)
                    sinks.append(Sink(application: topology.topology.applicationID, definition: definition, connection: connection))
                } catch {
                    problems.append("\(definition.location): salesforce sink '\(definition.name.value)': \(error)\(Self.hint(error, definition))")
                }
            }
        }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
        self.sinks = sinks
    }

    /// A sink worker per sink, reading its sink topic on `bootstrapServers`.
    func workers(bootstrapServers: String, logger: Logger) -> [SinkWorker] {
        sinks.map { sink in
            let definition = sink.definition
            var configuration = SinkWorkerConfiguration(
                name: definition.name.value, bootstrapServers: bootstrapServers, topic: definition.topic(application: sink.application),
                groupID: "\(sink.application)-\(definition.name.value)-sink", deadLetterTopic: "\(sink.application)-dlq")
            configuration.batchSize = definition.batchSize
            configuration.linger = .milliseconds(definition.lingerMilliseconds)
            configuration.backoff = BackoffPolicy(initial: .milliseconds(definition.retryInitialMilliseconds), maximum: .milliseconds(definition.retryMaxMilliseconds))
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
