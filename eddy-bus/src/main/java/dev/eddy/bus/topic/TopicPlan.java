package dev.eddy.bus.topic;

import dev.eddy.model.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The shape of Eddy's topics: how many partitions {@code eddy.events} has and how long every
 * topic keeps its records.
 *
 * <p>{@code eddy.events.late} is partitioned like {@code eddy.events} (same keys, same
 * volume at worst); the invalid-input and alert topics are low volume and get one partition,
 * which also keeps alerts in the order the job wrote them. Replication is left to the
 * broker's {@code default.replication.factor}, so the same plan fits the embedded broker and
 * a cluster.
 *
 * @param eventPartitions partitions of {@code eddy.events}, at least 1
 * @param retention how long records are kept, positive; the config keeps it at least the
 *     deduplication window ({@code stream.dedupWindow}), because a replay must see every event
 *     the deduplication could still remember
 */
public record TopicPlan(int eventPartitions, Duration retention) {

    public static final int DEFAULT_EVENT_PARTITIONS = 4;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** Partitions of each low-volume topic and of every handler dead-letter topic. */
    public static final int SINGLE_PARTITION = 1;

    public TopicPlan {
        Objects.requireNonNull(retention, "retention");
        if (eventPartitions < 1) {
            throw new IllegalArgumentException("eddy.events needs at least 1 partition, got " + eventPartitions);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("topic retention must be positive, got " + retention);
        }
    }

    public static TopicPlan defaults() {
        return new TopicPlan(DEFAULT_EVENT_PARTITIONS, DEFAULT_RETENTION);
    }

    /** Partitions for one of {@link Topics#ALL}, or {@link #SINGLE_PARTITION} for any other name. */
    public int partitionsOf(String topic) {
        return switch (topic) {
            case Topics.EVENTS, Topics.LATE -> eventPartitions;
            default -> SINGLE_PARTITION;
        };
    }

    /** The topic definitions for {@link Topics#ALL}, in that order. */
    public List<NewTopic> newTopics() {
        return Topics.ALL.stream().map(this::newTopic).toList();
    }

    /** A topic with this plan's retention, e.g. a handler's dead-letter topic. */
    public NewTopic newTopic(String name) {
        return new NewTopic(name, Optional.of(partitionsOf(name)), Optional.empty())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())));
    }
}
