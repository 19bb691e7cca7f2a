package dev.eddy.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import dev.eddy.model.config.EddyConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SubscriptionTest {
    static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void aHandlerOfAlertsReadsEddyAlertsAndOneOfEventsEddyEvents() {
        assertThat(Subscription.of(handler(EddyConfig.Handler.ALERTS, List.of(), List.of("page"))))
                .isEqualTo(new AlertSubscription(Set.of("page")));
        assertThat(Subscription.of(handler(EddyConfig.Handler.ALERTS, List.of(), List.of())).topic()).isEqualTo(Topics.ALERTS);
        assertThat(Subscription.of(handler(EddyConfig.Handler.EVENTS, List.of("identify"), List.of("Signed Up"))))
                .isEqualTo(new EventSubscription(EventMatcher.of(List.of("identify"), List.of("Signed Up"))));
        assertThat(Subscription.of(handler(EddyConfig.Handler.EVENTS, List.of(), List.of())).topic()).isEqualTo(Topics.EVENTS);
    }

    @Test
    void takesTheAlertsOfItsSeriesUnderTheirIds() throws Exception {
        Subscription subscription = Subscription.of(handler(EddyConfig.Handler.ALERTS, List.of(), List.of("Order Completed", "page")));
        assertThat(subscription.mayTake(new RecordHeaders())).isTrue();
        assertThat(subscription.take(AlertJson.encode(alert("Order Completed", Alert.State.FIRING))))
                .contains("Order Completed@2026-11-27T10:00:00Z/firing");
        assertThat(subscription.take(AlertJson.encode(alert("page", Alert.State.RESOLVED))))
                .contains("page@2026-11-27T10:00:00Z/resolved");
        assertThat(subscription.take(AlertJson.encode(alert("screen", Alert.State.FIRING)))).isEmpty();
    }

    @Test
    void namingNoSeriesTakesEveryAlert() throws Exception {
        Subscription subscription = Subscription.of(handler(EddyConfig.Handler.ALERTS, List.of(), List.of()));
        assertThat(subscription.take(AlertJson.encode(alert("screen", Alert.State.FIRING))))
                .contains("screen@2026-11-27T10:00:00Z/firing");
    }

    @Test
    void aRecordThatIsNotAnAlertIsUnreadable() {
        Subscription subscription = Subscription.of(handler(EddyConfig.Handler.ALERTS, List.of(), List.of()));
        assertThatThrownBy(() -> subscription.take("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Subscription.Unreadable.class).message().startsWith("not an alert: ").doesNotContain("\n");
        assertThatThrownBy(() -> subscription.take(EventJson.encode(event(EventType.TRACK, "Clicked"))))
                .as("an event is no alert").isInstanceOf(Subscription.Unreadable.class).message().startsWith("not an alert: ");
    }

    @Test
    void takesTheEventsItsMatcherTakesUnderTheirDedupKeys() throws Exception {
        Subscription subscription = Subscription.of(handler(EddyConfig.Handler.EVENTS, List.of("identify"), List.of("Signed Up")));
        assertThat(subscription.take(EventJson.encode(event(EventType.TRACK, "Signed Up")))).contains("m1");
        assertThat(subscription.take(EventJson.encode(event(EventType.IDENTIFY, null)))).contains("m1");
        assertThat(subscription.take(EventJson.encode(event(EventType.TRACK, "Clicked")))).isEmpty();
        assertThatThrownBy(() -> subscription.take("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Subscription.Unreadable.class).message().startsWith("not a canonical event: ");
    }

    @Test
    void passesOverEventsByTheirCeTypeHeaderAndDecodesThoseWithout() {
        Subscription subscription = Subscription.of(handler(EddyConfig.Handler.EVENTS, List.of("identify"), List.of("Signed Up")));
        assertThat(subscription.mayTake(ceType("Clicked"))).isFalse();
        assertThat(subscription.mayTake(ceType("Signed Up"))).isTrue();
        assertThat(subscription.mayTake(ceType(CloudEventHeaders.SEGMENT_TYPE_PREFIX + "identify"))).isTrue();
        assertThat(subscription.mayTake(new RecordHeaders())).isTrue();
    }

    private static RecordHeaders ceType(String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static EddyConfig.Handler handler(String subscribe, List<String> types, List<String> events) {
        return new EddyConfig.Handler("http://localhost/hook", subscribe, types, events, 5, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(10), 8);
    }

    private static Alert alert(String series, Alert.State state) {
        return new Alert(series, T, state, Alert.Kind.SPIKE, 90, 40.0, 20.0, 60.0, "a spike");
    }

    private static Event event(EventType type, String name) {
        return new Event("m1", type, name, null, "u", null, null, null, null, T, T, T, T, null, null, null);
    }
}
