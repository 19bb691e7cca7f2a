package dev.eddy.handlers;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static Event event(EventType type, String name) {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        return new Event("m", type, name, null, "u", null, null, null, null, t, t, t, t, null, null, null);
    }
}
