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
 * are known when the window was opened by this instance or its users were {@link #learnUsers
 * read back} from the state; otherwise they are in the state alone.
 *
 * <p>At most {@code capacity} windows and users are held; beyond that the windows used least
 * recently, usually past minutes, are dropped from the copy until three quarters of it are left,
 * and read from the state again if needed. The window in use is never dropped: when it alone
 * holds more users than that, the copy forgets its users and keeps its tally. Users are only
 * learned into that quarter's headroom, so between two trims at least a quarter of the capacity
 * of new users was added: learning costs at most a few reads per user added, however the windows
 * take turns.
 */
final class WindowMirror {

    /** One window's copy. */
    static final class Window {
        private MinuteTally tally;
        /** All the window's users, or null when only the state knows them. */
        private Set<String> users;

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
    /** What {@link #trim} leaves. */
    private final int lowWater;
    /** Least recently used first. */
    private final LinkedHashMap<WindowKey, Window> windows = new LinkedHashMap<>(16, 0.75f, true);
    private int size;

    WindowMirror(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
        this.lowWater = capacity - capacity / 4;
    }

    /** The window's copy, or null when it is not held. */
    Window get(WindowKey key) {
        return windows.get(key);
    }

    /** A window new to the state: empty, so the copy knows all its users from the start. */
    Window opened(WindowKey key) {
        return put(key, new Window(MinuteTally.EMPTY, new HashSet<>()));
    }

    /** A window read back from the state: its users stay there until {@link #learnUsers learned}. */
    Window restored(WindowKey key, MinuteTally tally) {
        return put(key, new Window(tally, null));
    }

    /** Whether a window with this many users can have them {@link #learnUsers learned} now. */
    boolean canLearn(long users) {
        return size + users <= lowWater;
    }

    /** Copies the window's users, read from the state, so that they need not be looked up there one by one. */
    void learnUsers(Window window, Iterable<String> users) {
        Set<String> known = new HashSet<>();
        for (String user : users) known.add(user);
        window.users = known;
        size += known.size();
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

    /**
     * When more than the capacity is held, drops the copies used least recently, all but {@code
     * inUse}, down to three quarters of it; copies obtained before, other than {@code inUse},
     * are void then.
     */
    void trim(Window inUse) {
        if (size <= capacity) return;
        Iterator<Window> leastRecentFirst = windows.values().iterator();
        while (size > lowWater && leastRecentFirst.hasNext()) {
            Window window = leastRecentFirst.next();
            if (window == inUse) continue;
            size -= window.size();
            leastRecentFirst.remove();
        }
        if (size > lowWater && inUse.users != null) {
            size -= inUse.users.size();
            inUse.users = null;
        }
    }

    private Window put(WindowKey key, Window window) {
        Window replaced = windows.put(key, window);
        if (replaced != null) size -= replaced.size();
        size += window.size();
        return window;
    }
}
