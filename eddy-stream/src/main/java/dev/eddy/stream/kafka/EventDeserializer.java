package dev.eddy.stream.kafka;

import dev.eddy.model.EventJson;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.time.DurationChecks;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a record of {@code eddy.events} (canonical {@link EventJson}) into an {@link AnalyticsEvent}
 * (see {@link AnalyticsEventReader}).
 * A record that is not a canonical event, or whose time or name the views cannot hold, is skipped
 * and counted: one bad record must not stop the job, and failing would only replay it forever.
 *
 * <p>An event dated further ahead of its record's write time than {@code ingest.maxFutureSkew}
 * counts at that write time, as ingest clamps such a time to {@code receivedAt} (a no-op for the
 * records ingest writes). Written straight to the topic by a producer whose clock, or backfill,
 * runs months ahead, it would otherwise move event time on for its partition and, kept in the
 * checkpoint, make every real event after it late. Kafka keeps record times within an hour of
 * the broker's clock ({@code log.message.timestamp.after.max.ms}).
 */
public final class EventDeserializer implements KafkaRecordDeserializationSchema<AnalyticsEvent> {

    /** Flink metric: records skipped because they are not canonical events. */
    public static final String MALFORMED_METRIC = "eddyMalformedEvents";

    private static final Logger LOG = LoggerFactory.getLogger(EventDeserializer.class);

    private final long maxFutureSkewMs;
    private final Funnels funnels;
    private transient Counter malformed;

    /**
     * @param maxFutureSkew how far ahead of its record's write time an event time may be ({@code ingest.maxFutureSkew})
     * @param funnels the funnels whose steps each event is checked against, once, here
     */
    public EventDeserializer(Duration maxFutureSkew, Funnels funnels) {
        this.maxFutureSkewMs = DurationChecks.notNegative(maxFutureSkew, "maxFutureSkew").toMillis();
        this.funnels = funnels;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        malformed = context.getMetricGroup().counter(MALFORMED_METRIC);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<AnalyticsEvent> out) {
        byte[] json = record.value();
        AnalyticsEvent event;
        try {
            event = json == null ? null : AnalyticsEventReader.read(json, funnels);
        } catch (Exception e) {
            event = null;
            LOG.warn("skipping malformed event at {}-{}@{}: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
        String unviewable = event == null ? null : unviewable(event);
        if (unviewable != null) {
            LOG.warn("skipping event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), unviewable);
            event = null;
        }
        if (event == null) {
            malformed.inc();
            return;
        }
        if (record.timestamp() >= 0 && event.timestampMillis() - record.timestamp() > maxFutureSkewMs) {
            LOG.warn("event at {}-{}@{} is dated {}, more than {} after its record was written: counted at {}",
                    record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(event.timestampMillis()),
                    Duration.ofMillis(maxFutureSkewMs), Instant.ofEpochMilli(record.timestamp()));
            event = event.at(record.timestamp());
        }
        out.collect(event);
    }

    /**
     * Why the views cannot hold the event's figures ({@link ViewLimits}), or null when they can. A
     * record written straight to the topic may carry any instant or name, and one the views'
     * database cannot take would fail the sink, and the job, on every replay. Old times within
     * the years 1 to 9999 are merely late: they go to {@code eddy.events.late} as ever.
     */
    static String unviewable(AnalyticsEvent event) {
        if (!ViewLimits.holds(event.timestampMillis())) {
            return "its timestamp " + Instant.ofEpochMilli(event.timestampMillis()) + " is outside the years 1 to 9999";
        }
        String problem = event.series() == null ? null : ViewLimits.eventNameProblem(event.series());
        return problem == null ? null : "its event name " + problem;
    }

    @Override
    public TypeInformation<AnalyticsEvent> getProducedType() {
        return TypeInformation.of(AnalyticsEvent.class);
    }
}
