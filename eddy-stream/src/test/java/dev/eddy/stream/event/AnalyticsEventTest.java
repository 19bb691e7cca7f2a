package dev.eddy.stream.event;

import static dev.eddy.stream.event.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.alerts.AnomalyWatch;
import dev.eddy.stream.metrics.MinuteTally;
import dev.eddy.stream.metrics.WindowKey;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class AnalyticsEventTest {

    @Test
    void namesTheSeriesOfEachCountedType() {
        assertThat(AnalyticsEvent.seriesOf(event("1", EventType.TRACK, "Order Completed", "u", 0)))
                .isEqualTo("Order Completed");
        assertThat(AnalyticsEvent.seriesOf(event("2", EventType.PAGE, "Pricing", "u", 0))).isEqualTo("page");
        assertThat(AnalyticsEvent.seriesOf(event("3", EventType.SCREEN, "Home", "u", 0))).isEqualTo("screen");
    }

    @Test
    void leavesIdentifyGroupAliasAndUnnamedTracksUncounted() {
        for (EventType type : new EventType[] {EventType.IDENTIFY, EventType.GROUP, EventType.ALIAS}) {
            assertThat(AnalyticsEvent.of(event("1", type, null, "u", 0), new byte[0]).counted()).isFalse();
        }
        assertThat(AnalyticsEvent.of(event("1", EventType.TRACK, " ", "u", 0), new byte[0]).counted()).isFalse();
    }

    @Test
    void takesIdentityUserAndTimeFromTheCanonicalEvent() {
        Instant ts = Instant.parse("2024-05-01T10:15:30.123Z");
        Event cloudEvent = new Event("id-1", EventType.TRACK, "com.example.paid", null, null, null, null, null,
                "/billing", ts, ts, ts, ts, null, null, null);
        byte[] json = {1, 2, 3};

        AnalyticsEvent analytics = AnalyticsEvent.of(cloudEvent, json);

        assertThat(analytics.dedupKey()).isEqualTo("ce:/billing#id-1");
        assertThat(analytics.userKey()).isNull();
        assertThat(analytics.timestampMillis()).isEqualTo(ts.toEpochMilli());
        assertThat(analytics.eventJson()).isSameAs(json);
    }

    @Test
    void everyTypeOnTheWireIsAFlinkPojoNotAKryoGenericType() {
        for (Class<?> type : new Class<?>[] {
                AnalyticsEvent.class, LateEvent.class, WindowKey.class, MinuteTally.class, MinuteMetric.class,
                Alert.class, AnomalyWatch.class}) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }
}
