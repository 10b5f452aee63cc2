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
        return loaded.definition.sinks.map { sink in
            "  Sink \(sink.delivery.name.value): \(sink.summary), from topic \(sink.topic(application: application))\n"
        }.joined()
    }
}
