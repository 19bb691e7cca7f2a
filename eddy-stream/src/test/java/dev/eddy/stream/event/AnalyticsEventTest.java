package dev.eddy.stream.event;

import static dev.eddy.stream.event.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.stream.alerts.AnomalyWatch;
import dev.eddy.stream.metrics.MinuteTally;
import dev.eddy.stream.metrics.WindowKey;
import dev.eddy.stream.sessions.SessionDelta;
import dev.eddy.stream.sessions.SessionSpans;
import dev.eddy.stream.sessions.SessionTally;
import dev.eddy.stream.sessions.Visit;
import dev.eddy.stream.sessions.VisitSerializer;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
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
    void aPageIsItsPathElseItsNameAndAScreenItsName() {
        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, "Pricing", "/pricing")).isEqualTo("/pricing");
        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, "Pricing", null)).isEqualTo("Pricing");
        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, "Pricing", " ")).isEqualTo("Pricing");
        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, null, null)).isNull();
        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, " ", null)).isNull();
        assertThat(AnalyticsEvent.pageOf(EventType.SCREEN, "Cart", "/ignored")).isEqualTo("Cart");
        assertThat(AnalyticsEvent.pageOf(EventType.SCREEN, null, "/ignored")).isNull();
        for (EventType type : new EventType[] {EventType.TRACK, EventType.IDENTIFY, EventType.GROUP, EventType.ALIAS}) {
            assertThat(AnalyticsEvent.pageOf(type, "Pricing", "/pricing")).as(type.name()).isNull();
        }
    }

    @Test
    void aPageLongerThanTheViewHoldsIsCut() {
        String path = "/" + "x".repeat(800);

        assertThat(AnalyticsEvent.pageOf(EventType.PAGE, null, path)).isEqualTo(path.substring(0, 500));
    }

    @Test
    void takesThePageOfAPageCallFromItsProperties() {
        Instant ts = Instant.parse("2024-05-01T10:15:30Z");
        ObjectNode properties = JsonNodeFactory.instance.objectNode().put("path", "/docs").put("title", "Docs");
        Event page = new Event("m-1", EventType.PAGE, null, "Docs", "u", null, null, null, null, ts, ts, ts, ts,
                properties, null, null);

        assertThat(AnalyticsEvent.of(page, new byte[0]).page()).isEqualTo("/docs");
        assertThat(AnalyticsEvent.of(page, new byte[0]).viewsPage()).isTrue();
        assertThat(AnalyticsEvent.of(event("2", EventType.TRACK, "Clicked", "u", 0), new byte[0]).viewsPage()).isFalse();
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
        assertThat(analytics.visitorKey()).isNull();
        assertThat(analytics.timestampMillis()).isEqualTo(ts.toEpochMilli());
        assertThat(analytics.eventJson()).isSameAs(json);
    }

    @Test
    void theVisitorIsTheAnonymousIdFirstAndTheUserTheUserIdFirst() {
        AnalyticsEvent both = AnalyticsEvent.of(event("1", EventType.PAGE, "Home", "u-1", "a-1", 0), new byte[0]);
        AnalyticsEvent userOnly = AnalyticsEvent.of(event("2", EventType.TRACK, "Paid", "u-1", null, 0), new byte[0]);
        AnalyticsEvent anonymous = AnalyticsEvent.of(event("3", EventType.TRACK, "Paid", null, "a-1", 0), new byte[0]);

        assertThat(both).extracting(AnalyticsEvent::visitorKey, AnalyticsEvent::userKey).containsExactly("a:a-1", "u:u-1");
        assertThat(userOnly).extracting(AnalyticsEvent::visitorKey, AnalyticsEvent::userKey).containsExactly("u:u-1", "u:u-1");
        assertThat(anonymous).extracting(AnalyticsEvent::visitorKey, AnalyticsEvent::userKey).containsExactly("a:a-1", "a:a-1");
        assertThat(both.at(5).visitorKey()).isEqualTo("a:a-1");
    }

    @Test
    void everyTypeOnTheWireIsAFlinkPojoNotAKryoGenericType() {
        for (Class<?> type : new Class<?>[] {
                LateEvent.class, WindowKey.class, MinuteTally.class, MinuteMetric.class,
                Alert.class, AnomalyWatch.class, SessionDelta.class, SessionSpans.class,
                SessionTally.class, SessionMetric.class}) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }

    @Test
    void theRecordsOfEveryEventCrossTheShufflesWithTheirOwnSerializers() {
        assertThat(TypeInformation.of(AnalyticsEvent.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(AnalyticsEventSerializer.INSTANCE);
        assertThat(TypeInformation.of(Visit.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(VisitSerializer.INSTANCE);
    }
}
