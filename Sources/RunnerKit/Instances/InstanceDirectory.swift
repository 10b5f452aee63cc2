import Foundation
import Logging
import ServiceLifecycle
import StreamCore
import Synchronization

/// Every live runner instance of each application this runner runs, and which input partitions each
/// processes: instances with the same application id share its partitions (one consumer group), and
/// each advertises itself on `<application-id>-instances` (an ``InstanceAdvertisement``) on start,
/// whenever its partitions change, and every `interval`. An instance silent for three intervals is
/// taken for gone (killed); one that stops cleanly says so.
///
/// Followed outside any consumer group, from a little before the end of the topic: the newest
/// advertisements are all a directory needs, whatever the topic's retention.
final class InstanceDirectory: Service, Sendable {
    /// How often an instance advertises itself even when nothing changed.
    static let intervalMilliseconds: Int64 = 2000
    /// How far back (records per partition) a starting instance reads the instances topic.
    private static let lookBack: Int64 = 2000

    /// This process's id in advertisements.
    let instance: String
    private let endpoint = Mutex<String?>(nil)
    private let applications: [String]
    private let stores: QueryableStores
    private let bootstrapServers: String
    private let kafkaProperties: [String: String]
    private let logger: Logger
    /// application → instance → newest advertisement.
    private let advertisements = Mutex<[String: [String: InstanceAdvertisement]]>([:])
    private let partitionCounts = Mutex<[String: Int]>([:])

    /// - Parameter applications: the application ids this runner runs.
    init(applications: [String], stores: QueryableStores, bootstrapServers: String, kafkaProperties: [String: String], logger: Logger) {
        self.instance = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        self.applications = applications
        self.stores = stores
        self.bootstrapServers = bootstrapServers
        self.kafkaProperties = kafkaProperties
        var logger = logger
        logger[metadataKey: "instance"] = "\(instance)"
        self.logger = logger
    }

    /// Where this instance answers queries (`http://host:port`), once its HTTP endpoint is bound;
    /// advertised from then on.
    func serve(at endpoint: String) {
        self.endpoint.withLock { $0 = endpoint }
    }

    /// The live instances of `application`, this one included, sorted by id.
    func instances(of application: String) -> [InstanceAdvertisement] {
        let now = Self.now
        return advertisements.withLock { $0[application].map { Array($0.values) } ?? [] }
            .filter { Self.isLive($0, now: now) }
            .sorted { $0.instance < $1.instance }
    }

    /// The live instance that processes `partition` of `application`'s input: the newest
    /// advertisement claiming it (during a hand-over, the old owner's claim is the older one).
    func owner(of partition: TopicPartition, in application: String) -> InstanceAdvertisement? {
        instances(of: application).filter { $0.partitions.contains(partition) }.max { $0.time < $1.time }
    }

    /// The input partitions whose tasks this instance keeps standby copies of, for `replicas` copies of
    /// every task: the live instances in a ring by id, each instance's partitions copied by the
    /// `replicas` instances after it. Every instance computes the same plan from the same advertisements.
    func standbyPartitions(of application: String, replicas: Int) -> [TopicPartition] {
        let ring = instances(of: application)
        guard replicas > 0, ring.count > 1, let me = ring.firstIndex(where: { $0.instance == instance }) else { return [] }
        return (1...min(replicas, ring.count - 1)).flatMap { distance in
            ring[(me - distance + ring.count) % ring.count].partitions
        }
    }

    /// The partition count of `topic` on the cluster, as read when the directory started.
    func partitionCount(of topic: String) -> Int? {
        partitionCounts.withLock { $0[topic] }
    }

    /// The cluster's partition count of each topic, read when the directory starts.
    func learn(partitionCounts counts: [String: Int]) {
        partitionCounts.withLock { $0 = counts }
    }

    /// Advertises and follows until graceful shutdown, then tells the others this instance leaves.
    func run() async throws {
        let admin = try KafkaAdminClient(bootstrapServers: bootstrapServers, logger: logger, additionalProperties: kafkaProperties)
        let counts = try admin.partitionCounts()
        learn(partitionCounts: counts)
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        producerConfiguration.additionalProperties = kafkaProperties
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let consumer = try follow(counts: counts)
        defer { try? consumer.close() }

        var advertised: [String: [TopicPartition]] = [:]
        var lastAdvertised = ContinuousClock.now - .milliseconds(Self.intervalMilliseconds)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let assignments = stores.assignments
            let current = Dictionary(uniqueKeysWithValues: applications.map { ($0, assignments[$0] ?? []) })
            if current != advertised || lastAdvertised.duration(to: .now) >= .milliseconds(Self.intervalMilliseconds) {
                for application in applications { try advertise(current[application]!, of: application, leaving: false, with: producer) }
                (advertised, lastAdvertised) = (current, .now)
            }
            for record in try consumer.poll(maxRecords: 1000, timeout: .zero) {
                guard let value = record.value, let advertisement = InstanceAdvertisement(json: value) else { continue }
                learn(advertisement)
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        // Cancelled (the shutdown timeout passed): no time left to say goodbye; the others time it out.
        guard !Task.isCancelled else { return }
        for application in applications { try advertise([], of: application, leaving: true, with: producer) }
        try producer.close(timeout: .seconds(5))
    }

    private func follow(counts: [String: Int]) throws -> KafkaConsumer {
        let (consumer, _) = try Self.readFromTail(of: applications, counts: counts, groupID: "tributary-instances-\(instance)", bootstrapServers: bootstrapServers, kafkaProperties: kafkaProperties, logger: logger)
        return consumer
    }

    /// The instances of `application` alive now, as its instances topic tells one who reads it once
    /// (`runner reset` checks that none runs).
    static func liveInstances(of application: String, bootstrapServers: String, kafkaProperties: [String: String], logger: Logger) throws -> [InstanceAdvertisement] {
        let counts = try KafkaAdminClient(bootstrapServers: bootstrapServers, logger: logger, additionalProperties: kafkaProperties).partitionCounts()
        let (consumer, ends) = try readFromTail(of: [application], counts: counts, groupID: "tributary-instances-check", bootstrapServers: bootstrapServers, kafkaProperties: kafkaProperties, logger: logger)
        defer { try? consumer.close() }
        var unread = ends
        var newest: [String: InstanceAdvertisement] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while !unread.isEmpty, ContinuousClock.now < deadline {
            for record in try consumer.poll(maxRecords: 1000, timeout: .milliseconds(200)) {
                if let end = unread[record.topicPartition], record.offset + 1 >= end { unread[record.topicPartition] = nil }
                guard let value = record.value, let advertisement = InstanceAdvertisement(json: value),
                      newest[advertisement.instance].map({ $0.time <= advertisement.time }) ?? true else { continue }
                newest[advertisement.instance] = advertisement
            }
        }
        return newest.values.filter { isLive($0, now: now) }.sorted { $0.instance < $1.instance }
    }

    /// A consumer assigned to the last ``lookBack`` records of each application's instances topic, and
    /// where each partition with records to read ended when it started.
    private static func readFromTail(
        of applications: [String], counts: [String: Int], groupID: String, bootstrapServers: String, kafkaProperties: [String: String], logger: Logger
    ) throws -> (KafkaConsumer, [TopicPartition: Int64]) {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: groupID)
        configuration.readCommitted = false
        configuration.additionalProperties = kafkaProperties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        var starts: [TopicPartition: Int64] = [:]
        var ends: [TopicPartition: Int64] = [:]
        for application in applications {
            let topic = Topology.instancesTopic(of: application)
            guard let partitions = counts[topic] else {
                logger.warning("no instances topic: other instances are not known and queries are answered from local state only", metadata: ["topic": "\(topic)"])
                continue
            }
            for partition in (0..<Int32(partitions)).map({ TopicPartition(topic, $0) }) {
                let (low, high) = try consumer.watermarks(of: partition)
                starts[partition] = max(low, high - lookBack)
                if high > starts[partition]! { ends[partition] = high }
            }
        }
        try consumer.assign(starts)
        return (consumer, ends)
    }

    private func advertise(_ partitions: [TopicPartition], of application: String, leaving: Bool, with producer: KafkaProducer) throws {
        let advertisement = InstanceAdvertisement(
            instance: instance, application: application, endpoint: endpoint.withLock { $0 }, partitions: partitions, time: Self.now, leaving: leaving)
        // Known at once here, before the record makes its way back.
        learn(advertisement)
        try producer.enqueue(ProducerRecord(topic: Topology.instancesTopic(of: application), key: Array(instance.utf8), value: advertisement.json.jsonBytes)) { [logger] result in
            if case .failure(let error) = result { logger.warning("instance advertisement not delivered", metadata: ["error": "\(error)"]) }
        }
    }

    /// Takes in an advertisement read from an instances topic (or made here), unless a newer one of
    /// the same instance is known.
    func learn(_ advertisement: InstanceAdvertisement) {
        advertisements.withLock { known in
            let earlier = known[advertisement.application]?[advertisement.instance]
            guard earlier.map({ $0.time <= advertisement.time }) ?? true else { return }
            known[advertisement.application, default: [:]][advertisement.instance] = advertisement
        }
    }

    private static func isLive(_ advertisement: InstanceAdvertisement, now: Int64) -> Bool {
        !advertisement.leaving && now - advertisement.time <= 3 * intervalMilliseconds
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
