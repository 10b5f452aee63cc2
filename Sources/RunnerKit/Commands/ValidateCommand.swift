import ArgumentParser
import Foundation
import Logging

/// `runner validate FILE...`: exit 0 when every file is a valid topology, 1 otherwise.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check topology files; print FILE:LINE:COLUMN: message for each problem."
    )

    @Argument(help: "Topology files to check (test files, NAME.test.yml, are skipped).")
    var files: [String]

    func run() throws {
        let logger = Logger(label: "tributary.validate")
        var valid = true
        for file in TopologyLoader.topologyFiles(files) {
            if TopologyLoader.load(file, logger: logger) != nil {
                print("\(file): ok")
            } else {
                valid = false
            }
        }
        if !valid { throw ExitCode(1) }
    }
}
