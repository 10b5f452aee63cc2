/*
 * The baseline for docs/BENCHMARKS.md: what librdkafka alone does, with no engine around it.
 *
 *   raw_passthrough copy  BOOTSTRAP IN OUT COUNT   consume IN in a consumer group, produce every record
 *                                                  unchanged to OUT, commit, exit after COUNT records
 *   raw_passthrough watch BOOTSTRAP TOPIC COUNT [START-TOPIC]
 *                                                  read TOPIC from the beginning (no group) and print the
 *                                                  seconds between the first record and the COUNT-th;
 *                                                  with START-TOPIC (a contender's internal first hop,
 *                                                  such as a repartition topic), from the first record
 *                                                  of either topic
 *   raw_passthrough keys  BOOTSTRAP TOPIC COUNT    produce COUNT records with distinct keys k000000,
 *                                                  k000001, ... and the value {"n":1} (input for the
 *                                                  restore benchmark)
 *   raw_passthrough drain BOOTSTRAP TOPIC          read every partition of TOPIC from its low to its high
 *                                                  watermark (no group) and print "SECONDS RECORDS"
 *
 * Both sides of the comparison (this copier and `runner run`) are timed by the same watcher, from
 * their first output record (on any topic they write) to their last, so group joins and start-up are
 * left out equally.
 *
 * `drain` is the baseline for restoring a state store: the same changelog partitions read to their
 * ends by one plain consumer. Its clock starts before the client is created and stops at the last
 * record, so client creation, metadata and watermark requests are inside it, as they are inside the
 * engine's restore.
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *watcher_group = "raw-passthrough-watcher";

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstrap, const char *group) {
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, error, sizeof(error));
        if (group) {
                rd_kafka_conf_set(conf, "group.id", group, error, sizeof(error));
                rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", error, sizeof(error));
                rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof(error));
                /* The dev broker (librdkafka's mock cluster) answers a fetch that found no data only
                 * after fetch.wait.max.ms, even when records arrive meanwhile. With the default 500 ms
                 * the watcher saw a contender's records up to 0.5 s late, at random: its clock would be
                 * off by that much. 10 ms makes it the watcher's resolution. */
                if (group == watcher_group) rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", error, sizeof(error));
        } else if (type == RD_KAFKA_PRODUCER) {
                /* The same producer settings the engine uses. */
                rd_kafka_conf_set(conf, "enable.idempotence", "true", error, sizeof(error));
                rd_kafka_conf_set(conf, "acks", "all", error, sizeof(error));
                rd_kafka_conf_set(conf, "linger.ms", "5", error, sizeof(error));
                rd_kafka_conf_set(conf, "partitioner", "murmur2_random", error, sizeof(error));
        }
        rd_kafka_t *rk = rd_kafka_new(type, conf, error, sizeof(error));
        if (!rk) {
                fprintf(stderr, "rd_kafka_new: %s\n", error);
                exit(2);
        }
        return rk;
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int copy(const char *bootstrap, const char *in, const char *out, long count) {
        rd_kafka_t *producer = client(RD_KAFKA_PRODUCER, bootstrap, NULL);
        rd_kafka_t *consumer = client(RD_KAFKA_CONSUMER, bootstrap, "raw-passthrough");
        rd_kafka_poll_set_consumer(consumer);
        rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, in, RD_KAFKA_PARTITION_UA);
        rd_kafka_subscribe(consumer, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        long copied = 0;
        while (copied < count) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                if (!message) continue;
                if (!message->err) {
                        rd_kafka_resp_err_t err;
                        do {
                                err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(out),
                                                        RD_KAFKA_V_KEY(message->key, message->key_len),
                                                        RD_KAFKA_V_VALUE(message->payload, message->len),
                                                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
                                if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer, 10);
                        } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
                        copied++;
                }
                rd_kafka_message_destroy(message);
                rd_kafka_poll(producer, 0);
        }
        rd_kafka_flush(producer, 60000);
        rd_kafka_commit(consumer, NULL, 0);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        rd_kafka_destroy(producer);
        return 0;
}

static void assign_from_beginning(rd_kafka_t *consumer, const char *topic) {
        const struct rd_kafka_metadata *metadata;
        if (rd_kafka_metadata(consumer, 1, NULL, &metadata, 10000)) {
                fprintf(stderr, "no metadata for %s\n", topic);
                exit(2);
        }
        rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(16);
        for (int t = 0; t < metadata->topic_cnt; t++)
                if (!strcmp(metadata->topics[t].topic, topic))
                        for (int p = 0; p < metadata->topics[t].partition_cnt; p++)
                                rd_kafka_topic_partition_list_add(partitions, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(metadata);
        rd_kafka_assign(consumer, partitions);
        rd_kafka_topic_partition_list_destroy(partitions);
}

/* The first record of a contender's first hop: read by its own consumer, which stops there. */
struct first_record {
        const char *bootstrap, *topic;
        double at;
};

static void *await_first_record(void *argument) {
        struct first_record *first = argument;
        rd_kafka_t *consumer = client(RD_KAFKA_CONSUMER, first->bootstrap, watcher_group);
        assign_from_beginning(consumer, first->topic);
        while (first->at == 0) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                if (!message) continue;
                if (!message->err) first->at = now();
                rd_kafka_message_destroy(message);
        }
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        return NULL;
}

static int watch(const char *bootstrap, const char *topic, long count, const char *start_topic) {
        struct first_record start = {bootstrap, start_topic, 0};
        pthread_t start_thread;
        if (start_topic) pthread_create(&start_thread, NULL, await_first_record, &start);
        rd_kafka_t *consumer = client(RD_KAFKA_CONSUMER, bootstrap, watcher_group);
        assign_from_beginning(consumer, topic);
        long seen = 0;
        double first = 0;
        while (seen < count) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                if (!message) continue;
                if (!message->err && seen++ == 0) first = now();
                rd_kafka_message_destroy(message);
        }
        double last = now();
        if (start_topic) {
                pthread_join(start_thread, NULL);
                if (start.at < first) first = start.at;
        }
        printf("%.6f\n", last - first);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        return 0;
}

static int keys(const char *bootstrap, const char *topic, long count) {
        rd_kafka_t *producer = client(RD_KAFKA_PRODUCER, bootstrap, NULL);
        char key[32];
        static const char value[] = "{\"n\":1}";
        for (long i = 0; i < count; i++) {
                int key_len = snprintf(key, sizeof(key), "k%06ld", i);
                rd_kafka_resp_err_t err;
                do {
                        err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, (size_t)key_len),
                                                RD_KAFKA_V_VALUE((void *)value, sizeof(value) - 1),
                                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
                        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer, 10);
                } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
                if (err) {
                        fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err));
                        return 1;
                }
                rd_kafka_poll(producer, 0);
        }
        if (rd_kafka_flush(producer, 60000)) {
                fprintf(stderr, "flush timed out\n");
                return 1;
        }
        rd_kafka_destroy(producer);
        return 0;
}

static int drain(const char *bootstrap, const char *topic) {
        double start = now();
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, error, sizeof(error));
        /* rd_kafka_consumer_poll needs a group id; with assign() the group is never joined. */
        rd_kafka_conf_set(conf, "group.id", "raw-drain", error, sizeof(error));
        /* The engine restores with read_uncommitted; the changelog holds no transactions anyway. */
        rd_kafka_conf_set(conf, "isolation.level", "read_uncommitted", error, sizeof(error));
        /* librdkafka 2.0 stops fetching once 100,000 messages wait in its queue and resumes only at
         * its next ~1 s wake-up: a 200,000-record changelog read by one consumer then took 0.15 s or
         * 1.05 s at random. A larger queue removes the stall; the engine's consumers set the same
         * (KafkaConsumerConfiguration). */
        rd_kafka_conf_set(conf, "queued.min.messages", "10000000", error, sizeof(error));
        rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
        if (!consumer) {
                fprintf(stderr, "rd_kafka_new: %s\n", error);
                return 2;
        }
        const struct rd_kafka_metadata *metadata;
        rd_kafka_topic_t *handle = rd_kafka_topic_new(consumer, topic, NULL);
        if (rd_kafka_metadata(consumer, 0, handle, &metadata, 10000)) return 2;
        rd_kafka_topic_destroy(handle);
        int partition_count = metadata->topic_cnt == 1 ? metadata->topics[0].partition_cnt : 0;
        rd_kafka_metadata_destroy(metadata);
        if (partition_count == 0) {
                fprintf(stderr, "topic %s not found\n", topic);
                return 2;
        }
        int64_t *high = calloc(partition_count, sizeof(int64_t));
        rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(partition_count);
        int open = 0;
        for (int p = 0; p < partition_count; p++) {
                int64_t low;
                if (rd_kafka_query_watermark_offsets(consumer, topic, p, &low, &high[p], 10000)) return 2;
                if (high[p] > low) {
                        rd_kafka_topic_partition_list_add(partitions, topic, p)->offset = low;
                        open++;
                }
        }
        rd_kafka_assign(consumer, partitions);
        rd_kafka_topic_partition_list_destroy(partitions);
        long records = 0;
        while (open > 0) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                if (!message) continue;
                if (!message->err) {
                        records++;
                        if (message->offset + 1 == high[message->partition]) open--;
                } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        fprintf(stderr, "consume: %s\n", rd_kafka_message_errstr(message));
                }
                rd_kafka_message_destroy(message);
        }
        printf("%.6f %ld\n", now() - start, records);
        free(high);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 6 && !strcmp(argv[1], "copy")) return copy(argv[2], argv[3], argv[4], atol(argv[5]));
        if ((argc == 5 || argc == 6) && !strcmp(argv[1], "watch")) return watch(argv[2], argv[3], atol(argv[4]), argc == 6 ? argv[5] : NULL);
        if (argc == 5 && !strcmp(argv[1], "keys")) return keys(argv[2], argv[3], atol(argv[4]));
        if (argc == 4 && !strcmp(argv[1], "drain")) return drain(argv[2], argv[3]);
        fprintf(stderr, "usage: %s copy BOOTSTRAP IN OUT COUNT | watch BOOTSTRAP TOPIC COUNT [START-TOPIC] | keys BOOTSTRAP TOPIC COUNT | drain BOOTSTRAP TOPIC\n", argv[0]);
        return 2;
}
