import ArgumentParser
import Logging
import Topologies

/// `runner describe FILE [--format text|dot]`: the compiled graph.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a topology's graph: sources, nodes, sinks and topics, as text or Graphviz DOT."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case dot
    }

    @Argument(help: "The topology file.")
    var file: String

    @Option(help: "text or dot.")
    var format: Format = .text

    func run() throws {
        guard let loaded = TopologyLoader.load(file, logger: Logger(label: "tributary.describe")) else { throw ExitCode(1) }
        switch format {
        case .text:
            print(loaded.topology.describe(), terminator: "")
            print(Self.sinks(of: loaded), terminator: "")
        case .dot: print(loaded.topology.describeAsDOT(), terminator: "")
        }
    }

    /// The sink workers the runner starts for the file: what each delivers where, from which topic.
    static func sinks(of loaded: LoadedTopology) -> String {
        let application = loaded.topology.applicationID
        let salesforce = loaded.definition.salesforceSinks.map { sink in
            let operation = switch sink.operation {
            case .upsert(let field): "upsert by \(field)"
            case .insert: "insert"
            case .update: "update by Id"
            }
            return "  Sink \(sink.name.value): Salesforce \(sink.sObject.value) \(operation), \(sink.batchSize) per call, from topic \(sink.topic(application: application))\n"
        }
        let http = loaded.definition.httpSinks.map { sink in
            let batching = sink.batchSize.map { "batches of \($0)" } ?? "\(sink.parallel) requests at once"
            return "  Sink \(sink.name.value): HTTP \(sink.method.rawValue) \(sink.url.text.value), \(batching), from topic \(sink.topic(application: application))\n"
        }
        return (salesforce + http).joined()
    }
}
