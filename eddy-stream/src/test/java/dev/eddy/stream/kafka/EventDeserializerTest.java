package dev.eddy.stream.kafka;

import static dev.eddy.stream.event.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.stream.event.AnalyticsEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventDeserializerTest {

    private final Map<String, Counter> counters = new HashMap<>();
    private final List<AnalyticsEvent> out = new ArrayList<>();
    private static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    private final EventDeserializer deserializer = new EventDeserializer(MAX_FUTURE_SKEW, Funnels.NONE);

    @BeforeEach
    void open() {
        MetricGroup metrics = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        };
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });
    }

    private void deserialize(byte[] value) throws Exception {
        deserialize(ConsumerRecord.NO_TIMESTAMP, value);
    }

    /** As a record written at {@code writtenAt} (epoch millis), its CreateTime. */
    private void deserialize(long writtenAt, byte[] value) throws Exception {
        deserializer.deserialize(new ConsumerRecord<>("eddy.events", 0, out.size(), writtenAt, TimestampType.CREATE_TIME,
                0, value == null ? 0 : value.length, null, value, new RecordHeaders(), Optional.empty()), new Collector<>() {
            @Override
            public void collect(AnalyticsEvent record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
    }

    @Test
    void readsCanonicalEventsKeepingTheirBytes() throws Exception {
        Event event = track("m1", "Signed Up", "alice", 1_700_000_000_123L);
        byte[] json = EventJson.encode(event);

        deserialize(json);

        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.dedupKey()).isEqualTo("m1");
            assertThat(e.series()).isEqualTo("Signed Up");
            assertThat(e.userKey()).isEqualTo("u:alice");
            assertThat(e.timestampMillis()).isEqualTo(1_700_000_000_123L);
            assertThat(e.eventJson()).isEqualTo(json);
        });
    }

    @Test
    void skipsAndCountsMalformedRecords() throws Exception {
        deserialize("not json".getBytes(StandardCharsets.UTF_8));
        deserialize("{\"type\":\"track\"}".getBytes(StandardCharsets.UTF_8));
        deserialize(null);
        deserialize(EventJson.encode(track("m1", "Signed Up", "alice", 0)));

        assertThat(out).extracting(AnalyticsEvent::dedupKey).containsExactly("m1");
        assertThat(counters.get(EventDeserializer.MALFORMED_METRIC).getCount()).isEqualTo(3);
    }

    @Test
    void skipsAndCountsEventsWhoseTimeNoViewCanHold() throws Exception {
        long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
        long bc5000 = Instant.parse("-5000-01-01T00:00:00Z").toEpochMilli();

        long year1 = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();

        deserialize(EventJson.encode(track("year-0", "Signed Up", "alice", year1 - 1)));
        deserialize(EventJson.encode(track("year-10000", "Signed Up", "alice", year10000)));
        deserialize(EventJson.encode(track("5000-bc", "Signed Up", "alice", bc5000)));
        deserialize(EventJson.encode(track("year-1", "Signed Up", "alice", year1)));
        deserialize(EventJson.encode(track("1969", "Signed Up", "alice", -1)));

        // merely old events are kept: the metrics step sends them to the late topic
        assertThat(out).extracting(AnalyticsEvent::dedupKey).containsExactly("year-1", "1969");
        assertThat(counters.get(EventDeserializer.MALFORMED_METRIC).getCount()).isEqualTo(3);
    }

    @Test
    void skipsAndCountsEventsWhoseNameNoViewCanHold() throws Exception {
        // written straight to the topic, past ingest's checks
        deserialize(EventJson.encode(track("201", "x".repeat(201), "alice", 0)));
        deserialize(EventJson.encode(track("nul", "a\u0000b", "alice", 0)));
        deserialize(EventJson.encode(track("200", "x".repeat(200), "alice", 0)));

        assertThat(out).extracting(AnalyticsEvent::dedupKey).containsExactly("200");
        assertThat(counters.get(EventDeserializer.MALFORMED_METRIC).getCount()).isEqualTo(2);
    }

    @Test
    void countsEventsDatedTooFarAheadOfTheirRecordAtTheRecordsTime() throws Exception {
        long writtenAt = 1_800_000_000_000L;
        long skew = MAX_FUTURE_SKEW.toMillis();

        deserialize(writtenAt, EventJson.encode(track("within", "Signed Up", "alice", writtenAt + skew)));
        deserialize(writtenAt, EventJson.encode(track("beyond", "Signed Up", "alice", writtenAt + skew + 1)));
        deserialize(EventJson.encode(track("unstamped", "Signed Up", "alice", writtenAt + skew + 1)));

        assertThat(out).extracting(AnalyticsEvent::dedupKey, AnalyticsEvent::timestampMillis).containsExactly(
                tuple("within", writtenAt + skew), tuple("beyond", writtenAt), tuple("unstamped", writtenAt + skew + 1));
        assertThat(out.get(1).eventJson()).as("handed on unchanged if late").isEqualTo(
                EventJson.encode(track("beyond", "Signed Up", "alice", writtenAt + skew + 1)));
    }
}
