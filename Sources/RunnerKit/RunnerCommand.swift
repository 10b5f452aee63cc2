import ArgumentParser

/// `runner`: runs, checks and describes Tributary topology files, and the development tools around them.
///
/// The `runner` executable only calls this; everything it does lives in this library, where unit tests
/// reach it (`@testable import RunnerKit`).
public struct RunnerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Tributary: stream processing on Kafka, programmed with YAML topology files.",
        discussion: "`runner --topology FILE ...` is short for `runner run --topology FILE ...`.",
        subcommands: [RunCommand.self, ValidateCommand.self, DescribeCommand.self, TestCommand.self, DevBrokerCommand.self, DevSalesforceCommand.self, GenerateCommand.self, ClassifierCommand.self, EvaluateRecommendationsCommand.self, ReplayDeadLettersCommand.self, ResetCommand.self],
        defaultSubcommand: RunCommand.self
    )

    public init() {}
}
