/*
 * The baseline for docs/BENCHMARKS.md: what librdkafka alone does, with no engine around it.
 *
 *   raw_passthrough copy  BOOTSTRAP IN OUT COUNT   consume IN in a consumer group, produce every record
 *                                                  unchanged to OUT, commit, exit after COUNT records
 *   raw_passthrough watch BOOTSTRAP TOPIC COUNT    read TOPIC from the beginning (no group) and print the
 *                                                  seconds between the first record and the COUNT-th
 *
 * Both sides of the comparison (this copier and `runner run`) are timed by the same watcher, from
 * their first output record to their last, so group joins and start-up are left out equally.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstrap, const char *group) {
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, error, sizeof(error));
        if (group) {
                rd_kafka_conf_set(conf, "group.id", group, error, sizeof(error));
                rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", error, sizeof(error));
                rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof(error));
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

static int watch(const char *bootstrap, const char *topic, long count) {
        rd_kafka_t *consumer = client(RD_KAFKA_CONSUMER, bootstrap, "raw-passthrough-watcher");
        const struct rd_kafka_metadata *metadata;
        if (rd_kafka_metadata(consumer, 1, NULL, &metadata, 10000)) return 2;
        rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(16);
        for (int t = 0; t < metadata->topic_cnt; t++)
                if (!strcmp(metadata->topics[t].topic, topic))
                        for (int p = 0; p < metadata->topics[t].partition_cnt; p++)
                                rd_kafka_topic_partition_list_add(partitions, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(metadata);
        rd_kafka_assign(consumer, partitions);
        rd_kafka_topic_partition_list_destroy(partitions);
        long seen = 0;
        double first = 0;
        while (seen < count) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                if (!message) continue;
                if (!message->err && seen++ == 0) first = now();
                rd_kafka_message_destroy(message);
        }
        printf("%.6f\n", now() - first);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 6 && !strcmp(argv[1], "copy")) return copy(argv[2], argv[3], argv[4], atol(argv[5]));
        if (argc == 5 && !strcmp(argv[1], "watch")) return watch(argv[2], argv[3], atol(argv[4]));
        fprintf(stderr, "usage: %s copy BOOTSTRAP IN OUT COUNT | watch BOOTSTRAP TOPIC COUNT\n", argv[0]);
        return 2;
}
