package dev.eddy.stream.metrics;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * A bounded heap copy of the state of {@link MinuteMetricsFunction}'s windows, so that an event
 * costs state writes only: on RocksDB each read is a lookup through memtables and files, and a
 * repeat user's entry, written once and then flushed, costs the most.
 *
 * <p>It can be trusted because the function is the only writer of its keyed state and writes
 * through: every change goes to the state and to the copy. It is never checkpointed: a restored
 * or rescaled function starts with an empty copy and fills it from the state. A window's users
 * are only known when the window was opened by this instance (then the copy holds all of them);
 * a window read back from state keeps its users in the state alone.
 *
 * <p>At most {@code capacity} windows and users are held; beyond that the windows opened first,
 * usually the oldest minutes, are dropped from the copy and read from the state again if needed.
 */
final class WindowMirror {

    /** One window's copy. */
    static final class Window {
        private MinuteTally tally;
        /** All the window's users, or null when only the state knows them. */
        private final Set<String> users;

        private Window(MinuteTally tally, Set<String> users) {
            this.tally = tally;
            this.users = users;
        }

        MinuteTally tally() {
            return tally;
        }

        void tally(MinuteTally tally) {
            this.tally = tally;
        }

        /** Whether the copy holds all of the window's users. */
        boolean knowsUsers() {
            return users != null;
        }

        private int size() {
            return 1 + (users == null ? 0 : users.size());
        }
    }

    private final int capacity;
    /** In the order the windows were copied, so the oldest go first. */
    private final LinkedHashMap<WindowKey, Window> windows = new LinkedHashMap<>();
    private int size;

    WindowMirror(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
    }

    /** The window's copy, or null when it is not held. */
    Window get(WindowKey key) {
        return windows.get(key);
    }

    /** A window new to the state: empty, so the copy knows all its users from the start. */
    Window opened(WindowKey key) {
        return put(key, new Window(MinuteTally.EMPTY, new HashSet<>()));
    }

    /** A window read back from the state: its users stay there. */
    Window restored(WindowKey key, MinuteTally tally) {
        return put(key, new Window(tally, null));
    }

    /** Adds a user to a window that {@link Window#knowsUsers() knows its users}; whether the user is new. */
    boolean addUser(Window window, String user) {
        if (!window.users.add(user)) return false;
        size++;
        return true;
    }

    void remove(WindowKey key) {
        Window removed = windows.remove(key);
        if (removed != null) size -= removed.size();
    }

    /** Drops the oldest copies until at most the capacity is held; copies obtained before are void then. */
    void trim() {
        Iterator<Window> oldestFirst = windows.values().iterator();
        while (size > capacity && oldestFirst.hasNext()) {
            size -= oldestFirst.next().size();
            oldestFirst.remove();
        }
    }

    private Window put(WindowKey key, Window window) {
        Window replaced = windows.put(key, window);
        if (replaced != null) size -= replaced.size();
        size += window.size();
        return window;
    }
}
