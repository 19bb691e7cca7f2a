package dev.eddy.stream.kafka;

import dev.eddy.model.EventJson;
import dev.eddy.stream.event.AnalyticsEvent;
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
 * A record that is not a canonical event, or whose event time cannot be counted, is skipped and
 * counted: one bad record must not stop the job, and failing would only replay it forever.
 */
public final class EventDeserializer implements KafkaRecordDeserializationSchema<AnalyticsEvent> {

    /** Flink metric: records skipped because they are not canonical events. */
    public static final String MALFORMED_METRIC = "eddyMalformedEvents";

    private static final Logger LOG = LoggerFactory.getLogger(EventDeserializer.class);
    private static final long EARLIEST_COUNTABLE = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long LATEST_COUNTABLE = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private transient Counter malformed;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        malformed = context.getMetricGroup().counter(MALFORMED_METRIC);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<AnalyticsEvent> out) {
        byte[] json = record.value();
        AnalyticsEvent event;
        try {
            event = json == null ? null : AnalyticsEventReader.read(json);
        } catch (Exception e) {
            event = null;
            LOG.warn("skipping malformed event at {}-{}@{}: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
        if (event != null && !countable(event.timestampMillis())) {
            LOG.warn("skipping event at {}-{}@{}: its timestamp {} is outside the years 1 to 9999",
                    record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(event.timestampMillis()));
            event = null;
        }
        if (event == null) {
            malformed.inc();
            return;
        }
        out.collect(event);
    }

    /**
     * Whether an event time can be counted, in years 1 to 9999: a record written straight to the
     * topic may carry any instant, and one the views' database cannot hold (PostgreSQL's
     * timestamps end at 4713 BC) would fail the sink, and the job, on every replay. Old times in
     * that range are merely late: they go to {@code eddy.events.late} as ever.
     */
    static boolean countable(long timestampMillis) {
        return timestampMillis >= EARLIEST_COUNTABLE && timestampMillis <= LATEST_COUNTABLE;
    }

    @Override
    public TypeInformation<AnalyticsEvent> getProducedType() {
        return TypeInformation.of(AnalyticsEvent.class);
    }
}
