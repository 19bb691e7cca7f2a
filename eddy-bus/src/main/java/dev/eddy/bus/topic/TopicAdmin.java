package dev.eddy.bus.topic;

import dev.eddy.model.Topics;
import dev.eddy.model.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates Eddy's topics when they are missing, on the embedded broker or any cluster.
 * Existing topics are left exactly as they are (partitions and configs), so running it at
 * every start is safe, also when several instances start at once.
 */
public final class TopicAdmin implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration METADATA_RETRY = Duration.ofMillis(50);

    private final Admin admin;
    private final Duration timeout;

    public TopicAdmin(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_TIMEOUT);
    }

    /** @param timeout Kafka's own timeout for each admin call, which then fails saying why */
    public TopicAdmin(String bootstrapServers, Duration timeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 10_000)));
    }

    /**
     * Creates every topic of {@link dev.eddy.model.Topics#ALL} that is missing.
     *
     * @return the names created by this call; empty when all existed
     */
    public Set<String> ensureTopics(TopicPlan plan) {
        return ensure(plan.newTopics());
    }

    /** Creates one topic with the plan's retention when it is missing, e.g. a dead-letter topic. */
    public boolean ensureTopic(TopicPlan plan, String name) {
        return !ensure(List.of(plan.newTopic(name))).isEmpty();
    }

    /** Partition count of each named topic, as the broker reports it. */
    public Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(topics).allTopicNames());
        return descriptions.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
    }

    /**
     * How far a consumer group is behind on a topic: the records past its committed offsets up to
     * what a {@code read_committed} consumer can read (a transaction still open is not counted),
     * summed over the topic's partitions (from the earliest record kept where it committed none).
     */
    public long consumerLag(String group, String topic) {
        return consumerLags(Map.of(group, topic)).get(group);
    }

    /** {@link #consumerLag} of each group on its own topic, in one round of requests for all of them. */
    public Map<String, Long> consumerLags(Map<String, String> topicOfGroup) {
        Map<String, ListConsumerGroupOffsetsSpec> specs = topicOfGroup.keySet().stream()
                .collect(Collectors.toMap(group -> group, group -> new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = await(admin.listConsumerGroupOffsets(specs).all());
        Map<String, List<TopicPartition>> partitionsOf = await(admin.describeTopics(Set.copyOf(topicOfGroup.values())).allTopicNames())
                .values().stream().collect(Collectors.toMap(TopicDescription::name, topic -> topic.partitions().stream()
                        .map(p -> new TopicPartition(topic.name(), p.partition())).toList()));
        Map<TopicPartition, Long> latest = offsets(partitionsOf.values().stream().flatMap(List::stream).toList(), OffsetSpec.latest());
        List<TopicPartition> uncommitted = topicOfGroup.entrySet().stream()
                .flatMap(e -> partitionsOf.get(e.getValue()).stream()
                        .filter(p -> committed.getOrDefault(e.getKey(), Map.of()).get(p) == null))
                .distinct().toList();
        Map<TopicPartition, Long> earliest = uncommitted.isEmpty() ? Map.of() : offsets(uncommitted, OffsetSpec.earliest());
        Map<String, Long> lags = new LinkedHashMap<>();
        topicOfGroup.forEach((group, topic) -> {
            Map<TopicPartition, OffsetAndMetadata> places = committed.getOrDefault(group, Map.of());
            long lag = 0;
            for (TopicPartition partition : partitionsOf.get(topic)) {
                OffsetAndMetadata place = places.get(partition);
                lag += latest.get(partition) - (place != null ? place.offset() : earliest.get(partition));
            }
            lags.put(group, lag);
        });
        return lags;
    }

    /** As a {@code read_committed} consumer sees them: the latest is the last stable offset, before any open transaction. */
    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
        return await(admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Whether the cluster answers with at least one broker within the timeout: for a readiness probe. */
    public boolean clusterAnswers() {
        try {
            return !await(admin.describeCluster().nodes()).isEmpty();
        } catch (KafkaTopicException e) {
            return false;
        }
    }

    /**
     * How Eddy's existing topics differ from {@code plan} in partitions and retention, one line
     * each ("eddy.events has 4 partitions, the plan 8"); empty when they agree. Nothing changes
     * them: more partitions would move users' keys and break their order, and a cluster's
     * retention may be someone's choice. Topics missing are left out.
     */
    public List<String> driftFrom(TopicPlan plan) {
        Set<String> existing = listTopics();
        List<String> topics = Topics.ALL.stream().filter(existing::contains).toList();
        if (topics.isEmpty()) return List.of();
        Map<String, Integer> partitions = partitionCounts(topics);
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all());
        List<String> drift = new ArrayList<>();
        for (String topic : topics) {
            int planned = plan.partitionsOf(topic);
            if (partitions.get(topic) != planned) {
                drift.add(topic + " has " + partitions.get(topic) + " partitions, the plan " + planned);
            }
            ConfigEntry retention = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .get(TopicConfig.RETENTION_MS_CONFIG);
            long retentionMs = retention == null ? -1 : Long.parseLong(retention.value());
            if (retentionMs != plan.retention().toMillis()) {
                drift.add(topic + " keeps records " + (retentionMs < 0 ? "for ever" : Durations.format(Duration.ofMillis(retentionMs)))
                        + ", the plan " + Durations.format(plan.retention()));
            }
        }
        return drift;
    }

    /** All topic names, internal ones excluded. */
    public Set<String> listTopics() {
        return await(admin.listTopics().names());
    }

    private Set<String> ensure(List<NewTopic> wanted) {
        Set<String> existing = listTopics();
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) return Set.of();
        Map<String, KafkaFuture<Void>> results = admin
                .createTopics(missing, new CreateTopicsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .values();
        Set<String> created = new LinkedHashSet<>();
        for (NewTopic topic : missing) {
            try {
                await(results.get(topic.name()));
                created.add(topic.name());
            } catch (KafkaTopicException e) {
                // another instance created it between our list and our create
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
        }
        awaitVisible(created);
        return created;
    }

    /**
     * The controller acknowledges a creation before the broker's metadata cache has the
     * topic; wait for it, so callers can describe and write the topic as soon as this returns.
     */
    private void awaitVisible(Set<String> topics) {
        if (topics.isEmpty()) return;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                await(admin.describeTopics(topics).allTopicNames());
                return;
            } catch (KafkaTopicException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(METADATA_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaTopicException("interrupted while waiting for new topics", e);
            }
        }
    }

    private <T> T await(KafkaFuture<T> future) {
        try {
            // Kafka's client fails the request itself at the timeout, saying why (e.g. no node
            // answered); this wait is only a backstop, and on a busy machine it won that race
            return future.get(backstop().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaTopicException("interrupted while talking to Kafka", e);
        } catch (ExecutionException e) {
            throw new KafkaTopicException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaTopicException("Kafka did not answer an admin request within " + backstop(), e);
        }
    }

    /** How long a call is waited for: a quarter longer than Kafka's own timeout for it. */
    private Duration backstop() {
        return timeout.plus(timeout.dividedBy(4));
    }

    @Override
    public void close() {
        admin.close(timeout);
    }

    /** An admin request that failed; the cause is Kafka's own exception. */
    public static final class KafkaTopicException extends RuntimeException {
        KafkaTopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
