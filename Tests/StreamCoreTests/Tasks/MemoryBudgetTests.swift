import Testing
@testable import StreamCore

/// How one memory figure is split between RocksDB, librdkafka and buffered records.
@Suite("Memory budget split")
struct MemoryBudgetTests {
    @Test func theDefaultBudgetGivesEachBufferItsDocumentedShare() {
        let budget = MemoryBudget(megabytes: 512)
        #expect(budget.totalBytes == 512 * 1_048_576)
        #expect(budget.blockCacheBytes == 128 * 1_048_576)
        #expect(budget.writeBufferBytes == 3_355_443)
        #expect(budget.maxWriteBuffers == 2)
        #expect(budget.consumerQueueKilobytes == 52_428)
        #expect(budget.fetchMaxBytes == 26_843_545)
        #expect(budget.partitionFetchMaxBytes == 1_048_576)
        #expect(budget.producerQueueKilobytes == 52_428)
        #expect(budget.bufferedBytesPerThread == 53_687_091)
    }

    @Test func theAllottedSharesStayWithinTheTotal() {
        for megabytes in [128, 512, 4096] {
            let budget = MemoryBudget(megabytes: megabytes)
            let allotted = budget.blockCacheBytes
                + budget.stores * budget.maxWriteBuffers * budget.writeBufferBytes
                + budget.consumerQueueKilobytes * 1024 + budget.fetchMaxBytes
                + budget.producerQueueKilobytes * 1024
                + budget.streamThreads * budget.bufferedBytesPerThread
            #expect(allotted <= budget.totalBytes * 85 / 100, "\(megabytes) MiB")
        }
    }

    @Test func aSmallBudgetKeepsTheFloorsLibrdkafkaAndPollingNeed() {
        let budget = MemoryBudget(megabytes: 8)
        #expect(budget.fetchMaxBytes == 1_048_576)
        #expect(budget.consumerQueueKilobytes == 1024)
        #expect(budget.producerQueueKilobytes == 1024)
        #expect(budget.writeBufferBytes == 64 * 1024)
        #expect(budget.bufferedBytesPerThread == MemoryBudget.minimumBufferedBytesPerThread)
    }

    /// The buffered records' share does not grow with the number of tasks: 96 partitions and a
    /// repartition topic (192 tasks) once had a 1 MiB floor each, 192 MiB under a 128 MiB budget.
    @Test func moreStoresGetSmallerMemtablesAndMoreTasksShareOneBuffer() {
        let budget = MemoryBudget(megabytes: 512, stores: 96)
        #expect(budget.writeBufferBytes == 559_240)
        #expect(budget.bufferedBytesPerThread == 53_687_091)
        #expect(budget.blockCacheBytes == 128 * 1_048_576)
    }

    @Test func streamThreadsShareTheLibrdkafkaSharesButNotTheBlockCache() {
        let one = MemoryBudget(megabytes: 1024)
        let two = MemoryBudget(megabytes: 1024, streamThreads: 2)
        #expect(two.blockCacheBytes == one.blockCacheBytes)
        #expect(two.writeBufferBytes == one.writeBufferBytes)
        #expect(two.consumerQueueKilobytes == one.consumerQueueKilobytes / 2)
        #expect(two.producerQueueKilobytes == one.producerQueueKilobytes / 2)
        #expect(two.bufferedBytesPerThread == one.bufferedBytesPerThread / 2)
    }

    @Test func propertiesTheUserGivesWinOverTheBudget() {
        var configuration = StreamsConfiguration(bootstrapServers: "localhost:9092")
        configuration.memoryBudget = MemoryBudget(megabytes: 128)
        configuration.kafkaProperties = ["fetch.max.bytes": "5000000", "security.protocol": "ssl"]
        #expect(configuration.consumerProperties["fetch.max.bytes"] == "5000000")
        #expect(configuration.consumerProperties["queued.max.messages.kbytes"] == "13107")
        #expect(configuration.consumerProperties["security.protocol"] == "ssl")
        #expect(configuration.producerProperties["queue.buffering.max.kbytes"] == "13107")
    }

    @Test func withoutABudgetStoresAndClientsKeepTheDefaults() {
        var configuration = StreamsConfiguration(bootstrapServers: "localhost:9092")
        configuration.kafkaProperties = ["client.rack": "a"]
        #expect(configuration.consumerProperties == ["client.rack": "a"])
        #expect(configuration.producerProperties == ["client.rack": "a"])
        #expect(configuration.storeOptions.blockCache == nil)
        configuration.memoryBudget = MemoryBudget(megabytes: 64)
        #expect(configuration.storeOptions.blockCache?.capacityBytes == 16 * 1_048_576)
        #expect(configuration.storeOptions.maxWriteBufferNumber == 2)
    }
}
