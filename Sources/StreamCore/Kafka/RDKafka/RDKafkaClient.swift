import CRdKafka
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one owner of an `rd_kafka_t` handle, and the only place producer, consumer and admin calls
/// reach librdkafka. Speaks Swift values only; `KafkaProducer`, `KafkaConsumer` and
/// `KafkaAdminClient` build on it.
///
/// - Important: librdkafka's handle is thread-safe, so the client is `Sendable`. Consumer calls and the
///   rebalance callback they trigger are made from the one thread that polls the consumer.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer
        case consumer
    }

    /// What librdkafka asks of a consumer during a rebalance; the handler must answer with
    /// `assign`/`unassign` (eager) or `incrementalAssign`/`incrementalUnassign` (cooperative).
    enum RebalanceEvent {
        case assign([TopicPartition])
        case revoke([TopicPartition])
        case failed(KafkaError, [TopicPartition])
    }

    /// One result of polling a consumer.
    enum ConsumerEvent {
        case record(ConsumerRecord)
        /// A per-partition or client error; its `topicPartition` is set when librdkafka named one.
        case error(KafkaError)
    }

    let handle: OpaquePointer
    let logger: Logger
    private let callbacks: Unmanaged<RDKafkaCallbacks>
    /// The topic names polled records carried so far, reused for the records after them: a name made
    /// for each record would be an allocation per record. Kept with their UTF-8 bytes, which are compared
    /// with `memcmp` (walking a `String`'s UTF-8 view was a few percent of a restore). Touched only by the
    /// consumer's polling caller.
    private var polledTopicNames: [(utf8: [UInt8], name: String)] = []

    /// Creates the handle. `rebalance` is only used by consumers and is called on the polling thread; it
    /// returns `false` when nobody handled the event, and the client then applies librdkafka's default
    /// (take the assignment, or give it up) so the group never waits on an answer that cannot come.
    init(kind: Kind, properties: [String: String], logger: Logger, rebalance: ((RebalanceEvent) -> Bool)? = nil) throws(KafkaError) {
        self.logger = logger
        let box = RDKafkaCallbacks(logger: logger)
        box.rebalance = rebalance
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // Never echo what may be a secret (sasl.password, ssl.key.password, tokens) into an error.
                let shown = Redaction.isSecret(property: name) ? Redaction.mask : value
                throw KafkaError(code: .invalidConfiguration, message: "\(name)=\(shown): \(errorText.nulTerminatedString)")
            }
        }
        let retained = Unmanaged.passRetained(box)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLog)
        rd_kafka_conf_set_error_cb(conf, rdKafkaError)
        switch kind {
        case .producer:
            rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDelivery)
        case .consumer:
            if rebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalance) }
        }
        // On success rd_kafka_new takes ownership of conf; on failure it is still ours.
        guard let handle = rd_kafka_new(kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw KafkaError(code: .clientCreationFailed, message: errorText.nulTerminatedString)
        }
        self.handle = handle
        self.callbacks = retained
        if kind == .consumer {
            // Route every event (rebalances, errors, records) through the consumer queue that `poll` serves.
            rd_kafka_poll_set_consumer(handle)
        }
    }

    deinit {
        rd_kafka_destroy(handle)
        // Released only after the handle is gone: librdkafka may call back until then.
        callbacks.release()
    }

    // MARK: - Producer

    /// Enqueues `record`; `completion` runs (on a polling thread) when it is acknowledged or fails.
    func produce(_ record: ProducerRecord, completion: @escaping @Sendable (Result<RecordMetadata, KafkaError>) -> Void) throws(KafkaError) {
        let opaque = Unmanaged.passRetained(RDKafkaDeliveryCompletion(completion))
        do {
            try produce(record, opaque: opaque.toOpaque())
        } catch {
            // Not enqueued: the completion is still ours.
            opaque.release()
            throw error
        }
    }

    /// Enqueues `record` with no completion of its own: an acknowledgement costs nothing (no object per
    /// record, no report built), and a failure is kept as ``firstUnobservedDeliveryFailure``. For the
    /// stream threads' outputs, whose only question at a commit is whether any failed.
    func produce(_ record: ProducerRecord) throws(KafkaError) {
        try produce(record, opaque: nil)
    }

    /// The first delivery that failed among records enqueued with ``produce(_:)``.
    var firstUnobservedDeliveryFailure: KafkaError? { callbacks.takeUnretainedValue().firstUnobservedDeliveryFailure.withLock { $0 } }

    /// Enqueues `record`; its delivery report reaches `opaque`'s completion, or, without one, the
    /// handle's unobserved failures.
    private func produce(_ record: ProducerRecord, opaque: UnsafeMutableRawPointer?) throws(KafkaError) {
        var headers: OpaquePointer?
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                // withCString: a native string's bytes in place, where passing the String would copy them.
                header.name.withCString { name in
                    withBytes(header.value) { pointer, count in
                        _ = rd_kafka_header_add(headers, name, -1, pointer, count)
                    }
                }
            }
        }
        let error: OpaquePointer? = record.topic.withCString { topic in
            withBytes(record.key) { keyPointer, keyCount in
                withBytes(record.value) { valuePointer, valueCount in
                    // At most 8 arguments, on the stack: produce is called once per output record.
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { arguments in
                        var count = 0
                        func append(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
                            var argument = rd_kafka_vu_t()
                            argument.vtype = type
                            set(&argument)
                            arguments.initializeElement(at: count, to: argument)
                            count += 1
                        }
                        append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                        if let partition = record.partition { append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition } }
                        if let keyPointer {
                            append(RD_KAFKA_VTYPE_KEY) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: keyPointer), size: keyCount) }
                        }
                        if let valuePointer {
                            append(RD_KAFKA_VTYPE_VALUE) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: valuePointer), size: valueCount) }
                        }
                        if let headers { append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                        if let timestamp = record.timestamp { append(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
                        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                        if let opaque { append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque } }
                        return rd_kafka_produceva(handle, arguments.baseAddress, count)
                    }
                }
            }
        }
        if let error {
            // Not enqueued: the headers are still ours.
            if let headers { rd_kafka_headers_destroy(headers) }
            throw KafkaError.consuming(error, code: .deliveryFailed, context: "could not enqueue a record for \(record.topic)")
        }
    }

    // MARK: - Transactions

    /// Registers the producer's `transactional.id` with its coordinator, fencing older producers with
    /// the same id and finishing their open transaction; once per producer, before the first transaction.
    func initTransactions(timeout: Duration) throws(KafkaTransactionError) {
        try transactional(.initTransactions) { rd_kafka_init_transactions(handle, Int32(timeout.milliseconds)) }
    }

    /// Starts a transaction: records produced from now on belong to it.
    func beginTransaction() throws(KafkaTransactionError) {
        try transactional(.beginTransaction) { rd_kafka_begin_transaction(handle) }
    }

    /// Adds a consumer group's offsets (each the next offset to read) to the current transaction: they
    /// are committed with it, and only if it commits.
    func sendOffsetsToTransaction(_ offsets: [TopicPartitionOffset], group: RDKafkaConsumerGroupMetadata, timeout: Duration) throws(KafkaTransactionError) {
        try transactional(.sendOffsetsToTransaction) {
            RDKafkaTopicPartitionList.withList(offsets) { list in
                rd_kafka_send_offsets_to_transaction(handle, list, group.pointer, Int32(timeout.milliseconds))
            }
        }
    }

    /// Flushes the transaction's records and commits it.
    func commitTransaction(timeout: Duration) throws(KafkaTransactionError) {
        try transactional(.commitTransaction) { rd_kafka_commit_transaction(handle, Int32(timeout.milliseconds)) }
    }

    /// Aborts the current transaction: its records are marked aborted and its offsets dropped.
    func abortTransaction(timeout: Duration) throws(KafkaTransactionError) {
        try transactional(.abortTransaction) { rd_kafka_abort_transaction(handle, Int32(timeout.milliseconds)) }
    }

    /// Runs one transactional call and turns its `rd_kafka_error_t` (destroyed here) into a classified error.
    private func transactional(_ operation: TransactionCall.Operation, _ call: () -> OpaquePointer?) throws(KafkaTransactionError) {
        if let error = call() { throw KafkaTransactionError.consuming(error, operation: operation) }
    }

    /// The consumer's group metadata, for committing its offsets in a producer's transaction.
    func consumerGroupMetadata() -> RDKafkaConsumerGroupMetadata? {
        rd_kafka_consumer_group_metadata(handle).map(RDKafkaConsumerGroupMetadata.init)
    }

    /// Serves delivery reports and other callbacks for up to `timeout`.
    @discardableResult
    func poll(timeout: Duration) -> Int {
        Int(rd_kafka_poll(handle, Int32(timeout.milliseconds)))
    }

    /// Records enqueued and not yet delivered or failed (requests in flight included).
    var queueLength: Int { Int(rd_kafka_outq_len(handle)) }

    /// Waits until every enqueued record is delivered or failed.
    func flush(timeout: Duration) throws(KafkaError) {
        let result = rd_kafka_flush(handle, Int32(timeout.milliseconds))
        if result.isError {
            throw KafkaError(code: .flushTimedOut, responseError: result, context: "\(rd_kafka_outq_len(handle)) records still queued after \(timeout)")
        }
    }

    // MARK: - Consumer

    func subscribe(_ topics: [String]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.withList(topics.map { TopicPartition($0, Int32(RD_KAFKA_PARTITION_UA)) }) { list throws(KafkaError) in
            let result = rd_kafka_subscribe(handle, list)
            if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "subscribe to \(topics)") }
        }
    }

    /// The next record or error, or `nil` when none arrived within `timeout`. Rebalance callbacks run inside.
    func consumerPoll(timeout: Duration) -> ConsumerEvent? {
        guard let message = rd_kafka_consumer_poll(handle, Int32(timeout.milliseconds)) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let topicPartition = message.pointee.rkt.map { TopicPartition(topicName(of: $0), message.pointee.partition) }
        if message.pointee.err.isError {
            // A consumer error carries its text as the payload, with a length and no guaranteed terminator.
            let text = message.pointee.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self) } ?? ""
            let code: KafkaError.Code = switch message.pointee.err {
            case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET: .offsetOutOfRange
            case RD_KAFKA_RESP_ERR__FATAL: .fatal
            default: .consumerFailed
            }
            return .error(KafkaError(code: code, responseError: message.pointee.err, context: text, topicPartition: topicPartition, offset: message.pointee.offset))
        }
        return .record(Self.copyRecord(message, topicPartition: topicPartition!))
    }

    /// The name of `topic`, one of ``polledTopicNames`` when it was seen before.
    private func topicName(of topic: OpaquePointer) -> String {
        let name = UnsafeRawPointer(rd_kafka_topic_name(topic)!)
        let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self)))
        let known = polledTopicNames.first { known in
            known.utf8.count == bytes.count && known.utf8.withUnsafeBytes { memcmp($0.baseAddress!, name, bytes.count) == 0 }
        }
        if let known { return known.name }
        let created = String(decoding: bytes, as: UTF8.self)
        polledTopicNames.append((Array(bytes), created))
        return created
    }

    private static func copyRecord(_ message: UnsafeMutablePointer<rd_kafka_message_t>, topicPartition: TopicPartition) -> ConsumerRecord {
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        // The header list belongs to the message and dies with it; names and values are copied.
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(String(cString: name!), value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        return ConsumerRecord(
            topic: topicPartition.topic,
            partition: topicPartition.partition,
            offset: message.pointee.offset,
            key: message.pointee.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.key_len)) },
            value: message.pointee.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.len)) },
            headers: headers,
            timestamp: timestamp)
    }

    /// "EAGER" or "COOPERATIVE": how the current group rebalances.
    var rebalanceProtocol: String {
        rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } ?? "NONE"
    }

    /// Replaces the whole assignment (eager protocol); `nil` unassigns everything.
    func assign(_ partitions: [TopicPartitionOffset]?) throws(KafkaError) {
        let result: rd_kafka_resp_err_t
        if let partitions {
            result = RDKafkaTopicPartitionList.withList(partitions) { list in rd_kafka_assign(handle, list) }
        } else {
            result = rd_kafka_assign(handle, nil)
        }
        if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "assign") }
    }

    func incrementalAssign(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        let error = RDKafkaTopicPartitionList.withList(partitions) { list in rd_kafka_incremental_assign(handle, list) }
        if let error { throw KafkaError.consuming(error, code: .consumerFailed, context: "incremental assign") }
    }

    func incrementalUnassign(_ partitions: [TopicPartition]) throws(KafkaError) {
        let error = RDKafkaTopicPartitionList.withList(partitions) { list in rd_kafka_incremental_unassign(handle, list) }
        if let error { throw KafkaError.consuming(error, code: .consumerFailed, context: "incremental unassign") }
    }

    /// Whether the last revocation was a loss (the member was kicked out; its commits would be rejected).
    var assignmentLost: Bool { rd_kafka_assignment_lost(handle) != 0 }

    /// The group's committed offsets; `RDKafkaOffset.invalid` where nothing is committed.
    func committed(_ partitions: [TopicPartition], timeout: Duration) throws(KafkaError) -> [TopicPartition: Int64] {
        try RDKafkaTopicPartitionList.withList(partitions) { list throws(KafkaError) in
            let result = rd_kafka_committed(handle, list, Int32(timeout.milliseconds))
            if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "fetch committed offsets") }
            var offsets: [TopicPartition: Int64] = [:]
            for (entry, _) in RDKafkaTopicPartitionList.entries(of: list) { offsets[entry.topicPartition] = entry.offset }
            return offsets
        }
    }

    /// Commits `offsets` (each the next offset to read) and waits for the broker's answer.
    func commit(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.withList(offsets) { list throws(KafkaError) in
            let result = rd_kafka_commit(handle, list, 0)
            if result.isError { throw KafkaError(code: .commitFailed, responseError: result, context: "commit \(offsets.count) offsets") }
            for (entry, error) in RDKafkaTopicPartitionList.entries(of: list) where error.isError {
                throw KafkaError(code: .commitFailed, responseError: error, context: "commit", topicPartition: entry.topicPartition, offset: entry.offset)
            }
        }
    }

    func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.withList(partitions) { list throws(KafkaError) in
            let result = rd_kafka_pause_partitions(handle, list)
            if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "pause") }
        }
    }

    func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try RDKafkaTopicPartitionList.withList(partitions) { list throws(KafkaError) in
            let result = rd_kafka_resume_partitions(handle, list)
            if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "resume") }
        }
    }

    func seek(_ positions: [TopicPartitionOffset], timeout: Duration) throws(KafkaError) {
        try RDKafkaTopicPartitionList.withList(positions) { list throws(KafkaError) in
            if let error = rd_kafka_seek_partitions(handle, list, Int32(timeout.milliseconds)) {
                throw KafkaError.consuming(error, code: .consumerFailed, context: "seek")
            }
            for (entry, error) in RDKafkaTopicPartitionList.entries(of: list) where error.isError {
                throw KafkaError(code: .consumerFailed, responseError: error, context: "seek", topicPartition: entry.topicPartition, offset: entry.offset)
            }
        }
    }

    /// Leaves the group: revokes the assignment (through the rebalance callback) and stops fetching.
    func closeConsumer() throws(KafkaError) {
        let result = rd_kafka_consumer_close(handle)
        if result.isError { throw KafkaError(code: .consumerFailed, responseError: result, context: "close consumer") }
    }

    /// The oldest offset the broker still holds and the offset the next record will get, asked of the broker.
    func watermarks(of partition: TopicPartition, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, Int32(timeout.milliseconds))
        if result.isError { throw KafkaError(code: .metadataFailed, responseError: result, context: "watermarks", topicPartition: partition) }
        return (low, high)
    }

    /// The high watermark last seen in a fetch response for `partition` (no broker round trip); `nil`
    /// before the first fetch.
    func cachedHighWatermark(of partition: TopicPartition) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        let result = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return result.isError || high < 0 ? nil : high
    }

    // MARK: - Metadata and admin

    /// Partition counts of every topic the cluster knows. Asks for all topics, never for one by
    /// name: a request naming a topic can auto-create it on brokers that allow that.
    func partitionCounts(timeout: Duration) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeout.milliseconds))
        if result.isError { throw KafkaError(code: .metadataFailed, responseError: result, context: "metadata") }
        defer { rd_kafka_metadata_destroy(metadata) }
        var counts: [String: Int] = [:]
        guard let metadata else { return counts }
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if !topic.err.isError { counts[String(cString: topic.topic)] = Int(topic.partition_cnt) }
        }
        return counts
    }

    /// Result of creating one topic: `nil` for success, else librdkafka's code name and message.
    struct TopicCreationResponse {
        var topic: String
        var errorName: String?
        var message: String
    }

    /// Sends one CreateTopics request and waits up to `timeout` for the answer.
    func createTopics(_ specs: [(name: String, partitions: Int, replicationFactor: Int, configs: [String: String])], timeout: Duration) throws(KafkaError) -> [TopicCreationResponse] {
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { rd_kafka_NewTopic_destroy_array(&newTopics, newTopics.count) }
        for spec in specs {
            guard let newTopic = rd_kafka_NewTopic_new(spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errorText, errorText.count) else {
                throw KafkaError(code: .adminFailed, message: "topic \(spec.name): \(errorText.nulTerminatedString)")
            }
            newTopics.append(newTopic)
            for (name, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
                let error = rd_kafka_NewTopic_set_config(newTopic, name, value)
                if error.isError { throw KafkaError(code: .adminFailed, responseError: error, context: "topic \(spec.name): config \(name)=\(value)") }
            }
        }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeout.milliseconds), &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, Int32(timeout.milliseconds), &errorText, errorText.count)
        let queue = rd_kafka_queue_new(handle)!
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)
        // The request's own timeout answers first; the extra second only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, Int32(timeout.milliseconds) + 1000) else {
            throw KafkaError(code: .adminFailed, message: "CreateTopics: no answer within \(timeout)", protocolCode: .timedOut)
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError.isError {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(code: .adminFailed, responseError: eventError, context: "CreateTopics: \(text)")
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event), let topics = rd_kafka_CreateTopics_result_topics(result, &count) else {
            throw KafkaError(code: .adminFailed, message: "CreateTopics: the answer held no topic results")
        }
        return (0..<count).map { index in
            let topic = topics[index]
            let error = rd_kafka_topic_result_error(topic)
            return TopicCreationResponse(
                topic: String(cString: rd_kafka_topic_result_name(topic)),
                errorName: error.isError ? String(cString: rd_kafka_err2name(error)) : nil,
                message: rd_kafka_topic_result_error_string(topic).map { String(cString: $0) } ?? "")
        }
    }
}

/// The one owner of an `rd_kafka_consumer_group_metadata_t` (a consumer's group id, generation and
/// member id, copied when it is taken): destroyed with this object.
///
/// - Important: Unchecked Sendable: the pointee is an immutable copy that librdkafka only reads.
final class RDKafkaConsumerGroupMetadata: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { rd_kafka_consumer_group_metadata_destroy(pointer) }
}

/// Calls `body` with a pointer and length for optional bytes: `nil` for a null key/value/header, and a
/// valid (non-null) pointer for an empty one, since librdkafka tells null from empty by the pointer.
private func withBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> Result) -> Result {
    guard let bytes else { return body(nil, 0) }
    if bytes.isEmpty {
        return withUnsafeBytes(of: UInt8(0)) { body($0.baseAddress, 0) }
    }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

// MARK: - Callbacks from librdkafka

/// What librdkafka's C callbacks reach through the handle's opaque pointer.
///
/// Unchecked: `logger` is immutable and Sendable; `rebalance` is set before the handle exists and is
/// only invoked from the consumer's polling thread.
private final class RDKafkaCallbacks: @unchecked Sendable {
    let logger: Logger
    var rebalance: ((RDKafkaClient.RebalanceEvent) -> Bool)?
    /// The first failed delivery of a record enqueued without a completion.
    let firstUnobservedDeliveryFailure = Mutex<KafkaError?>(nil)

    init(logger: Logger) { self.logger = logger }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbacks? {
        opaque.map { Unmanaged<RDKafkaCallbacks>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// A produced record's completion, travelling through librdkafka as the message's opaque pointer.
private final class RDKafkaDeliveryCompletion {
    let body: @Sendable (Result<RecordMetadata, KafkaError>) -> Void
    init(_ body: @escaping @Sendable (Result<RecordMetadata, KafkaError>) -> Void) { self.body = body }
}

private func rdKafkaLog(_ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let handle, let callbacks = RDKafkaCallbacks.from(rd_kafka_opaque(handle)) else { return }
    let message = "librdkafka \(facility.map { String(cString: $0) } ?? ""): \(text.map { String(cString: $0) } ?? "")"
    switch level {
    case ...3: callbacks.logger.error("\(message)")
    case 4: callbacks.logger.warning("\(message)")
    case 5...6: callbacks.logger.info("\(message)")
    default: callbacks.logger.debug("\(message)")
    }
}

private func rdKafkaError(_ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let callbacks = RDKafkaCallbacks.from(opaque) else { return }
    let error = rd_kafka_resp_err_t(rawValue: code)
    let text = "librdkafka \(String(cString: rd_kafka_err2name(error))): \(reason.map { String(cString: $0) } ?? "")"
    if error == RD_KAFKA_RESP_ERR__FATAL { callbacks.logger.error("\(text)") } else { callbacks.logger.warning("\(text)") }
}

private func rdKafkaDelivery(_ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message else { return }
    func topic() -> String { message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "" }
    // A failed delivery report's payload is the record's own value, not an error text.
    func failure() -> KafkaError {
        KafkaError(code: .deliveryFailed, responseError: message.pointee.err, context: "delivery to \(topic()) failed",
                   topicPartition: TopicPartition(topic(), message.pointee.partition))
    }
    guard let completionPointer = message.pointee._private else {
        // Enqueued without a completion: only a failure is kept.
        guard message.pointee.err.isError, let callbacks = RDKafkaCallbacks.from(opaque) else { return }
        let error = failure()
        callbacks.firstUnobservedDeliveryFailure.withLock { first in first = first ?? error }
        return
    }
    let completion = Unmanaged<RDKafkaDeliveryCompletion>.fromOpaque(completionPointer).takeRetainedValue()
    if message.pointee.err.isError {
        completion.body(.failure(failure()))
    } else {
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        completion.body(.success(RecordMetadata(
            topic: topic(), partition: message.pointee.partition, offset: message.pointee.offset,
            timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)))
    }
}

private func rdKafkaRebalance(
    _ handle: OpaquePointer?, _ error: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let partitions else { return }
    let topicPartitions = RDKafkaTopicPartitionList.entries(of: partitions).map(\.entry.topicPartition)
    let event: RDKafkaClient.RebalanceEvent = switch error {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: .assign(topicPartitions)
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: .revoke(topicPartitions)
    default: .failed(KafkaError(code: .consumerFailed, responseError: error, context: "rebalance"), topicPartitions)
    }
    if RDKafkaCallbacks.from(opaque)?.rebalance?(event) == true { return }
    let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
    switch (error, cooperative) {
    case (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, true): if let failure = rd_kafka_incremental_assign(handle, partitions) { rd_kafka_error_destroy(failure) }
    case (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, false): _ = rd_kafka_assign(handle, partitions)
    case (_, true): if let failure = rd_kafka_incremental_unassign(handle, partitions) { rd_kafka_error_destroy(failure) }
    case (_, false): _ = rd_kafka_assign(handle, nil)
    }
}

extension [CChar] {
    /// The text librdkafka wrote into an error buffer, up to its terminating zero.
    fileprivate var nulTerminatedString: String {
        String(decoding: prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
