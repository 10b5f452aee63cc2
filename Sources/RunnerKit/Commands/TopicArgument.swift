import ArgumentParser
import StreamCore

/// A `NAME:PARTITIONS` command-line argument naming a topic to create.
struct TopicArgument: ExpressibleByArgument {
    var specification: KafkaAdminClient.TopicSpecification

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"),
              let partitions = Int(argument[argument.index(after: colon)...]), partitions > 0,
              colon != argument.startIndex
        else { return nil }
        specification = .init(name: String(argument[..<colon]), partitions: partitions)
    }

    static var defaultValueDescription: String { "NAME:PARTITIONS" }
}
