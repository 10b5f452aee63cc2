import ArgumentParser
import Foundation
import Logging
import Topologies

/// `runner test FILE...`: runs each topology's test cases (its sibling `NAME.test.yml`) in-process.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the test cases in each topology's NAME.test.yml, in-process; exit 1 if any fails.",
        discussion: "Inputs go through the same operators and RocksDB stores as under `runner run`, without a broker."
    )

    @Argument(help: "Topology files; each needs a NAME.test.yml next to it (test files given are skipped).")
    var files: [String]

    @Option(help: ArgumentHelp(
        "Give every topic N partitions and place records by key hash, one task per partition, as on a cluster (overrides the test files' 'partitions:').",
        valueName: "N"))
    var partitions: Int?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
    }

    func run() throws {
        let logger = logging.makeLogger(label: "tributary.test")
        var failures = 0
        var total = 0
        for loaded in try TopologyLoader.loadAll(files, logger: logger) {
            let testFile = TopologyTestParser.testFile(for: loaded.file)
            let suite: TopologyTestSuite
            do {
                suite = try TopologyTestParser.parse(fileAt: testFile)
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
            for result in try TopologyTestRunner.run(suite, definition: loaded.definition, topology: loaded.topology, partitions: partitions) {
                total += 1
                if result.passed {
                    print("PASS \(loaded.file): \(result.name)")
                } else {
                    failures += 1
                    print("FAIL \(loaded.file): \(result.name)")
                    for difference in result.differences { print("    \(difference)") }
                }
                for note in result.notes { print("    note: \(note)") }
            }
        }
        print("\(total - failures) of \(total) test cases passed")
        if failures > 0 { throw ExitCode(1) }
    }
}
