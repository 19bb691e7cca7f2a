package dev.eddy.stream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the mirror keeps when it is full; that the figures stay exact is {@link MinuteMetricsMirrorTest}'s. */
class WindowMirrorTest {

    private static final WindowKey PAST = new WindowKey("page", 0);
    private static final WindowKey CURRENT = new WindowKey("page", 60_000);
    private static final WindowKey OTHER = new WindowKey("Clicked", 60_000);

    @Test
    void dropsTheWindowsUsedLeastRecentlyDownToThreeQuartersOfTheCapacity() {
        WindowMirror mirror = new WindowMirror(8);
        mirror.opened(PAST);
        addUsers(mirror, mirror.opened(OTHER), "a", "b", "c");
        WindowMirror.Window current = mirror.opened(CURRENT);
        addUsers(mirror, current, "a", "b");
        mirror.get(PAST);
        addUsers(mirror, current, "c");
        mirror.trim(current);
        assertThat(mirror.get(OTHER)).isNull();
        assertThat(mirror.get(PAST)).isNotNull();
        assertThat(mirror.get(CURRENT)).isSameAs(current);
        assertThat(current.knowsUsers()).isTrue();
    }

    @Test
    void keepsEverythingUpToTheCapacity() {
        WindowMirror mirror = new WindowMirror(8);
        addUsers(mirror, mirror.opened(PAST), "a", "b", "c");
        WindowMirror.Window current = mirror.opened(CURRENT);
        addUsers(mirror, current, "a", "b", "c");
        mirror.trim(current);
        assertThat(mirror.get(PAST)).isNotNull();
        assertThat(mirror.get(CURRENT)).isSameAs(current);
    }

    @Test
    void theWindowInUseKeepsItsTallyButForgetsItsUsersWhenTheyAloneOverfillTheMirror() {
        WindowMirror mirror = new WindowMirror(8);
        WindowMirror.Window current = mirror.opened(CURRENT);
        current.tally(MinuteTally.EMPTY.add(true));
        addUsers(mirror, current, "a", "b", "c", "d", "e", "f", "g", "h");
        mirror.trim(current);

        assertThat(mirror.get(CURRENT)).isSameAs(current);
        assertThat(current.knowsUsers()).isFalse();
        assertThat(current.tally()).isEqualTo(MinuteTally.EMPTY.add(true));
    }

    @Test
    void learnsTheUsersOfAWindowReadBackFromStateOnlyIntoTheHeadroomLeftByTrimming() {
        WindowMirror mirror = new WindowMirror(8);
        WindowMirror.Window restored = mirror.restored(PAST, MinuteTally.EMPTY);
        assertThat(mirror.canLearn(5)).isTrue();
        mirror.learnUsers(restored, List.of("a", "b", "c", "d", "e"));
        assertThat(restored.knowsUsers()).isTrue();
        assertThat(mirror.addUser(restored, "a")).isFalse();
        assertThat(mirror.addUser(restored, "f")).isTrue();

        // 2 windows and 6 users held, more than the 6 a trim leaves: no room to learn more
        WindowMirror.Window other = mirror.restored(OTHER, MinuteTally.EMPTY);
        assertThat(mirror.canLearn(1)).isFalse();
        assertThat(other.knowsUsers()).isFalse();
    }

    private static void addUsers(WindowMirror mirror, WindowMirror.Window window, String... users) {
        for (String user : users) assertThat(mirror.addUser(window, user)).isTrue();
    }
}
