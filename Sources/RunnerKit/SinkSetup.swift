import Logging
import Sinks
import StreamCore
import Topologies

/// The sink steps of the loaded topologies, each with its destination made from the environment at
/// start-up: a missing or malformed setting stops the runner before anything runs, naming the file,
/// line and column of the step and the variable.
struct SinkSetup {
    /// Why the sinks cannot start: each required sink's problem, `FILE:LINE:COLUMN: KIND sink 'NAME': ...`.
    struct Problems: Error, Equatable, CustomStringConvertible {
        let problems: [String]

        init(_ problems: [String]) {
            self.problems = problems
        }

        var description: String { problems.joined(separator: "\n") }
    }

    private struct ConfiguredSink {
        let application: String
        let definition: any SinkDefinition
        let destination: any SinkDestination
    }

    private let sinks: [ConfiguredSink]
    /// Optional sinks left off because a setting they need is not set: why, per sink.
    private let sinksOff: [String]

    /// Makes every sink's destination from `environment`.
    ///
    /// - Throws: every problem of every required sink.
    init(_ topologies: [LoadedTopology], environment: [String: String], logger: Logger) throws(Problems) {
        var sinks: [ConfiguredSink] = []
        var problems: [String] = []
        var sinksOff: [String] = []
        for topology in topologies {
            for definition in topology.definition.sinks {
                switch definition.destination(environment: environment, logger: logger) {
                case .success(let destination):
                    sinks.append(ConfiguredSink(application: topology.topology.applicationID, definition: definition, destination: destination))
                case .failure(let problem):
                    let message = "\(definition.delivery.location): \(definition.keyword) sink '\(definition.delivery.name.value)': \(problem)"
                    if definition.delivery.isOptional, problem.isMissingSetting { sinksOff.append(message) } else { problems.append(message) }
                }
            }
        }
        guard problems.isEmpty else { throw Problems(problems) }
        self.sinks = sinks
        self.sinksOff = sinksOff
    }

    /// A sink worker per sink, reading its sink topic on `bootstrapServers`.
    func workers(bootstrapServers: String, kafkaProperties: [String: String], logger: Logger) -> [SinkWorker] {
        for reason in sinksOff {
            logger.notice("optional sink off for this run; its records wait in its sink topic: \(reason)")
        }
        return sinks.map { sink in
            let configuration = sink.definition.workerConfiguration(application: sink.application, bootstrapServers: bootstrapServers, kafkaProperties: kafkaProperties)
            return SinkWorker(configuration: configuration, destination: sink.destination, logger: logger)
        }
    }
}
