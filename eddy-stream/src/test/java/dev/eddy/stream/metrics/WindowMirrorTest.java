package dev.eddy.stream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the mirror keeps when it is full and what it saves when; that the figures stay exact is
 * {@link MinuteMetricsMirrorTest}'s.
 */
class WindowMirrorTest {

    private static final WindowKey PAST = new WindowKey("page", 0);
    private static final WindowKey CURRENT = new WindowKey("page", 60_000);
    private static final WindowKey OTHER = new WindowKey("Clicked", 60_000);

    /** What the mirror handed its saver, in order. */
    private record Saved(WindowKey key, MinuteTally tally, TreeSet<String> users) {}

    private final List<Saved> saved = new ArrayList<>();
    private final WindowMirror.Saver saver =
            (key, window) -> saved.add(new Saved(key, window.tally(), new TreeSet<>(window.unsavedUsers().keySet())));

    @Test
    void savesAndDropsTheWindowsUsedLeastRecentlyDownToThreeQuartersOfTheCapacity() throws Exception {
        WindowMirror mirror = new WindowMirror(8, saver);
        mirror.opened(PAST);
        addUsers(mirror, mirror.opened(OTHER), "a", "b", "c");
        WindowMirror.Window current = mirror.opened(CURRENT);
        addUsers(mirror, current, "a", "b");
        mirror.get(PAST);
        addUsers(mirror, current, "c");
        mirror.trim(CURRENT, current);
        assertThat(mirror.get(OTHER)).isNull();
        assertThat(saved).containsExactly(new Saved(OTHER, MinuteTally.EMPTY, users("a", "b", "c")));
        assertThat(mirror.get(PAST)).isNotNull();
        assertThat(mirror.get(CURRENT)).isSameAs(current);
        assertThat(current.knowsUsers()).isTrue();
    }

    @Test
    void keepsEverythingUpToTheCapacity() throws Exception {
        WindowMirror mirror = new WindowMirror(8, saver);
        addUsers(mirror, mirror.opened(PAST), "a", "b", "c");
        WindowMirror.Window current = mirror.opened(CURRENT);
        addUsers(mirror, current, "a", "b", "c");
        mirror.trim(CURRENT, current);
        assertThat(mirror.get(PAST)).isNotNull();
        assertThat(mirror.get(CURRENT)).isSameAs(current);
        assertThat(saved).isEmpty();
    }

    @Test
    void theWindowInUseIsSavedAndKeepsItsTallyButForgetsItsUsersWhenTheyAloneOverfillTheMirror() throws Exception {
        WindowMirror mirror = new WindowMirror(8, saver);
        WindowMirror.Window current = mirror.opened(CURRENT);
        current.tally(MinuteTally.EMPTY.add(true));
        addUsers(mirror, current, "a", "b", "c", "d", "e", "f", "g", "h");
        mirror.trim(CURRENT, current);

        assertThat(saved).containsExactly(
                new Saved(CURRENT, MinuteTally.EMPTY.add(true), users("a", "b", "c", "d", "e", "f", "g", "h")));
        assertThat(mirror.get(CURRENT)).isSameAs(current);
        assertThat(current.knowsUsers()).isFalse();
        assertThat(current.tally()).isEqualTo(MinuteTally.EMPTY.add(true));
    }

    @Test
    void saveAllSavesEachChangedWindowOnceWithTheUsersMetSinceItWasLastSaved() throws Exception {
        WindowMirror mirror = new WindowMirror(100, saver);
        WindowMirror.Window past = mirror.restored(PAST, MinuteTally.EMPTY.add(true));
        WindowMirror.Window current = mirror.opened(CURRENT);
        addUsers(mirror, current, "a", "b");
        current.tally(MinuteTally.EMPTY.add(true).add(true));
        mirror.saveAll();
        assertThat(saved).as("a window read back from state and unchanged is not written back")
                .containsExactly(new Saved(CURRENT, MinuteTally.EMPTY.add(true).add(true), users("a", "b")));

        saved.clear();
        mirror.saveAll();
        assertThat(saved).as("nothing changed since").isEmpty();

        addUsers(mirror, current, "c");
        past.tally(past.tally().add(false));
        mirror.saveAll();
        assertThat(saved).containsExactlyInAnyOrder(
                new Saved(CURRENT, MinuteTally.EMPTY.add(true).add(true), users("c")),
                new Saved(PAST, MinuteTally.EMPTY.add(true).add(false), users()));
    }

    @Test
    void learnsTheUsersOfAWindowReadBackFromStateOnlyIntoTheHeadroomLeftByTrimming() {
        WindowMirror mirror = new WindowMirror(8, saver);
        WindowMirror.Window restored = mirror.restored(PAST, MinuteTally.EMPTY);
        assertThat(mirror.canLearn(5)).isTrue();
        mirror.learnUsers(restored, List.of("a", "b", "c", "d", "e"));
        assertThat(restored.knowsUsers()).isTrue();
        assertThat(restored.unsavedUsers()).as("learned users are in the state already").isEmpty();
        assertThat(mirror.addUser(restored, "a")).isFalse();
        assertThat(mirror.addUser(restored, "f")).isTrue();
        assertThat(restored.unsavedUsers()).isEqualTo(Map.of("f", true));

        // 2 windows and 6 users held, more than the 6 a trim leaves: no room to learn more
        WindowMirror.Window other = mirror.restored(OTHER, MinuteTally.EMPTY);
        assertThat(mirror.canLearn(1)).isFalse();
        assertThat(other.knowsUsers()).isFalse();
    }

    private static void addUsers(WindowMirror mirror, WindowMirror.Window window, String... users) {
        for (String user : users) assertThat(mirror.addUser(window, user)).isTrue();
    }

    private static TreeSet<String> users(String... users) {
        return new TreeSet<>(List.of(users));
    }
}
