package dev.eddy.stream.kafka;

import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The analytics job's production Kafka ends: {@code eddy.events} in, {@code eddy.events.late} and {@code eddy.alerts} out. */
public final class AnalyticsKafka {

    /** Consumer group of the job; offsets are committed on checkpoints, for monitoring and restarts without state. */
    public static final String GROUP_ID = "eddy-analytics";

    /**
     * Stable across restarts: a new prefix would leave the previous run's open transactions to
     * block read_committed readers of the late topic until they time out.
     */
    public static final String LATE_TRANSACTIONAL_ID_PREFIX = "eddy-analytics-late";
    /** Stable across restarts, as the late topic's. */
    public static final String ALERTS_TRANSACTIONAL_ID_PREFIX = "eddy-analytics-alerts";

    /** Below the broker's transaction.max.timeout.ms (15 min); Kafka's producer default of 1 h is refused. */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private AnalyticsKafka() {}

    /**
     * Reads {@code eddy.events} from the committed offsets of {@link #GROUP_ID}, or from the
     * earliest when there are none (never the latest: a first start or a restart without a
     * checkpoint must not skip events). Malformed records are skipped and counted; see
     * {@link EventDeserializer} for {@code maxFutureSkew} and {@code funnels}.
     */
    public static KafkaSource<AnalyticsEvent> eventsSource(String bootstrapServers, Duration maxFutureSkew, Funnels funnels) {
        return eventsSource(bootstrapServers, GROUP_ID, maxFutureSkew, funnels);
    }

    /** The same source under another consumer group, e.g. a benchmark's baseline job. */
    public static KafkaSource<AnalyticsEvent> eventsSource(String bootstrapServers, String groupId, Duration maxFutureSkew,
                                                           Funnels funnels) {
        return KafkaSource.<AnalyticsEvent>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(Topics.EVENTS)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new EventDeserializer(maxFutureSkew, funnels))
                .build();
    }

    /**
     * Writes late events to {@code eddy.events.late} exactly once: in Kafka transactions
     * committed with the job's checkpoints, so checkpointing must be enabled.
     */
    public static KafkaSink<LateEvent> lateEventsSink(String bootstrapServers) {
        return exactlyOnce(bootstrapServers, new LateEventSerializer(Topics.LATE), LATE_TRANSACTIONAL_ID_PREFIX);
    }

    /** Writes alerts to {@code eddy.alerts} exactly once, as {@link #lateEventsSink} writes late events. */
    public static KafkaSink<Alert> alertsSink(String bootstrapServers) {
        return exactlyOnce(bootstrapServers, new AlertSerializer(Topics.ALERTS), ALERTS_TRANSACTIONAL_ID_PREFIX);
    }

    private static <T> KafkaSink<T> exactlyOnce(String bootstrapServers, KafkaRecordSerializationSchema<T> serializer,
                                                String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                // reuse ids once committed: the default names a new one at every checkpoint, and the
                // broker keeps each for transactional.id.expiration.ms (7 days), some 86,000 a day
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Long.toString(TRANSACTION_TIMEOUT.toMillis()))
                .build();
    }
}
