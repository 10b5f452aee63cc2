import Logging
@testable import RunnerKit
import StreamCore
import Testing

/// Which instances are alive and what each holds, from their advertisements: the newest claim wins, a
/// leaving or silent instance is forgotten, and standby copies go round a ring every instance computes alike.
@Suite("Instance directory")
struct InstanceDirectoryTests {
    static let application = "shop"
    let directory = InstanceDirectory(applications: [application], stores: QueryableStores(), bootstrapServers: "unused:9092", kafkaProperties: [:], logger: Logger(label: "test"))

    func advertisement(_ instance: String, _ partitions: [Int32], ago milliseconds: Int64 = 0, leaving: Bool = false) -> InstanceAdvertisement {
        InstanceAdvertisement(
            instance: instance, application: Self.application, endpoint: "http://\(instance):8080", partitions: partitions.map { TopicPartition("orders", $0) },
            time: InstanceDirectory.now - milliseconds, leaving: leaving)
    }

    @Test func theNewestAdvertisementOfAnInstanceWinsAndAnOlderOneArrivingLateIsIgnored() {
        directory.learn(advertisement("b", [0, 1], ago: 100))
        directory.learn(advertisement("b", [1], ago: 500))
        #expect(directory.instances(of: Self.application).map(\.partitions) == [[TopicPartition("orders", 0), TopicPartition("orders", 1)]])
    }

    @Test func aLeavingOrSilentInstanceIsForgotten() {
        directory.learn(advertisement("a", [0]))
        directory.learn(advertisement("b", [1]))
        directory.learn(advertisement("c", [2], ago: 3 * InstanceDirectory.intervalMilliseconds + 1))
        #expect(directory.instances(of: Self.application).map(\.instance) == ["a", "b"], "silent for three intervals: gone")
        directory.learn(advertisement("b", [], leaving: true))
        #expect(directory.instances(of: Self.application).map(\.instance) == ["a"])
        #expect(directory.owner(of: TopicPartition("orders", 1), in: Self.application) == nil)
    }

    @Test func duringAHandOverThePartitionBelongsToTheNewerClaim() {
        directory.learn(advertisement("old", [3], ago: 1500))
        directory.learn(advertisement("new", [3], ago: 10))
        #expect(directory.owner(of: TopicPartition("orders", 3), in: Self.application)?.instance == "new")
    }

    /// Instances in a ring by id, each one's partitions copied by the `replicas` instances after it.
    @Test func standbyCopiesGoToTheNextInstancesOfTheRing() {
        let me = directory.instance
        // Ids sort around this instance's: "0…" before it, "~…" after it.
        directory.learn(advertisement("0-first", [0]))
        directory.learn(advertisement(me, [1]))
        directory.learn(advertisement("~-last", [2]))
        #expect(directory.standbyPartitions(of: Self.application, replicas: 1) == [TopicPartition("orders", 0)])
        #expect(Set(directory.standbyPartitions(of: Self.application, replicas: 2)) == [TopicPartition("orders", 0), TopicPartition("orders", 2)])
        #expect(Set(directory.standbyPartitions(of: Self.application, replicas: 5)) == [TopicPartition("orders", 0), TopicPartition("orders", 2)], "at most every other instance")
        #expect(directory.standbyPartitions(of: Self.application, replicas: 0).isEmpty)
    }

    @Test func aLoneInstanceKeepsNoStandbys() {
        directory.learn(advertisement(directory.instance, [0, 1]))
        #expect(directory.standbyPartitions(of: Self.application, replicas: 1).isEmpty)
    }
}
