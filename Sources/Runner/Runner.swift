import RunnerKit

/// The `runner` executable: all of it is in RunnerKit.
@main
extension RunnerCommand {}
