package dev.eddy.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventMatcherTest {

    @Test
    void takesItsTypesAndItsTrackNames() {
        EventMatcher matcher = EventMatcher.of(List.of("identify", "page"), List.of("Signed Up"));
        assertThat(matcher.matches(event(EventType.TRACK, "Signed Up"))).isTrue();
        assertThat(matcher.matches(event(EventType.TRACK, "Clicked"))).isFalse();
        assertThat(matcher.matches(event(EventType.IDENTIFY, null))).isTrue();
        assertThat(matcher.matches(event(EventType.PAGE, "Signed Up"))).as("a page's name is not a track name").isTrue();
        assertThat(matcher.matches(event(EventType.SCREEN, "Signed Up"))).isFalse();
    }

    @Test
    void trackAsATypeTakesEveryTrackEvent() {
        EventMatcher matcher = EventMatcher.of(List.of("track"), List.of());
        assertThat(matcher.matches(event(EventType.TRACK, "Anything"))).isTrue();
        assertThat(matcher.matches(event(EventType.GROUP, null))).isFalse();
    }

    @Test
    void neitherGivenTakesEveryEvent() {
        EventMatcher matcher = EventMatcher.of(List.of(), List.of());
        for (EventType type : EventType.values()) assertThat(matcher.matches(event(type, null))).isTrue();
    }

    @Test
    void theCeTypeHeaderPassesOverNoEventThatMatches() {
        List<EventMatcher> matchers = List.of(
                EventMatcher.of(List.of(), List.of()),
                EventMatcher.of(List.of("track"), List.of()),
                EventMatcher.of(List.of("identify", "page"), List.of("Signed Up", "segment.page")),
                EventMatcher.of(List.of(), List.of("Signed Up")));
        for (EventMatcher matcher : matchers) {
            for (EventType type : EventType.values()) {
                for (String name : new String[] {null, "Signed Up", "Clicked", "segment.page", "segment.click"}) {
                    Event event = event(type, name);
                    if (matcher.matches(event)) {
                        assertThat(matcher.mayMatchCeType(CloudEventHeaders.typeOf(event))).as("%s %s for %s", type, name, matcher).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void theCeTypeHeaderPassesOverWhatCannotMatch() {
        EventMatcher matcher = EventMatcher.of(List.of("identify"), List.of("Signed Up"));
        assertThat(matcher.mayMatchCeType("Clicked")).isFalse();
        assertThat(matcher.mayMatchCeType("segment.page")).isFalse();
        assertThat(matcher.mayMatchCeType("segment.identify")).isTrue();
        assertThat(matcher.mayMatchCeType("Signed Up")).isTrue();
    }

    private static Event event(EventType type, String name) {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        return new Event("m", type, name, null, "u", null, null, null, null, t, t, t, t, null, null, null);
    }
}
