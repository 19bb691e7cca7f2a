package dev.eddy.stream.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A bounded heap copy of the state of {@link MinuteMetricsOperator}'s windows, ahead of the
 * state: on RocksDB each read is a lookup through memtables and files and each write a memtable
 * insert, so an event whose window and user are held costs no state access at all.
 *
 * <p>The operator is the only writer of its keyed state, and every change goes to the copy first;
 * the {@link Saver} writes a window's unsaved changes (its tally, the users it met since) to the
 * state when the copy is about to drop them and, through {@link #saveAll}, before each checkpoint.
 * So the state is whole at every checkpoint, and the copy is never checkpointed: a restored or
 * rescaled operator starts with an empty copy and fills it from the state. A window's users are
 * known when the window was opened by this instance or its users were {@link #learnUsers read
 * back} from the state; otherwise they are in the state alone, and written there directly.
 *
 * <p>At most {@code capacity} windows and users are held; beyond that the windows used least
 * recently, usually past minutes, are saved and dropped from the copy until three quarters of it
 * are left, and read from the state again if needed. The window in use is never dropped: when it
 * alone holds more users than that, the copy saves and forgets its users and keeps its tally. Users are only
 * learned into that quarter's headroom, so between two trims at least a quarter of the capacity
 * of new users was added: learning costs at most a few reads per user added, however the windows
 * take turns.
 */
final class WindowMirror {

    /** Writes a window's unsaved changes to its key's state. */
    @FunctionalInterface
    interface Saver {
        void save(WindowKey key, Window window) throws Exception;
    }

    /** One window's copy. */
    static final class Window {
        private MinuteTally tally;
        /** All the window's users, or null when only the state knows them. */
        private Set<String> users;
        /** Of {@link #users}, those not in the state yet, as the state's map entries. */
        private final Map<String, Boolean> unsavedUsers = new HashMap<>();
        /** Whether the state holds this tally and all of these users. */
        private boolean saved;

        private Window(MinuteTally tally, Set<String> users, boolean saved) {
            this.tally = tally;
            this.users = users;
            this.saved = saved;
        }

        MinuteTally tally() {
            return tally;
        }

        /** The window's new tally, saved to the state later. */
        void tally(MinuteTally tally) {
            this.tally = tally;
            saved = false;
        }

        /** The users met since the window was last saved. */
        Map<String, Boolean> unsavedUsers() {
            return unsavedUsers;
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
    private final Saver saver;
    /** Least recently used first. */
    private final LinkedHashMap<WindowKey, Window> windows = new LinkedHashMap<>(16, 0.75f, true);
    private int size;

    WindowMirror(int capacity, Saver saver) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
        this.lowWater = capacity - capacity / 4;
        this.saver = saver;
    }

    /** The window's copy, or null when it is not held. */
    Window get(WindowKey key) {
        return windows.get(key);
    }

    /** A window new to the state: empty, so the copy knows all its users from the start. */
    Window opened(WindowKey key) {
        return put(key, new Window(MinuteTally.EMPTY, new HashSet<>(), false));
    }

    /** A window read back from the state: its users stay there until {@link #learnUsers learned}. */
    Window restored(WindowKey key, MinuteTally tally) {
        return put(key, new Window(tally, null, true));
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
        window.unsavedUsers.put(user, Boolean.TRUE);
        window.saved = false;
        size++;
        return true;
    }

    /** Saves every window with unsaved changes, e.g. before a checkpoint. */
    void saveAll() throws Exception {
        for (Map.Entry<WindowKey, Window> entry : windows.entrySet()) save(entry.getKey(), entry.getValue());
    }

    void remove(WindowKey key) {
        Window removed = windows.remove(key);
        if (removed != null) size -= removed.size();
    }

    /**
     * When more than the capacity is held, saves and drops the copies used least recently, all but
     * {@code inUse}, down to three quarters of it; copies obtained before, other than {@code
     * inUse}, are void then.
     */
    void trim(WindowKey inUseKey, Window inUse) throws Exception {
        if (size <= capacity) return;
        Iterator<Map.Entry<WindowKey, Window>> leastRecentFirst = windows.entrySet().iterator();
        while (size > lowWater && leastRecentFirst.hasNext()) {
            Map.Entry<WindowKey, Window> entry = leastRecentFirst.next();
            Window window = entry.getValue();
            if (window == inUse) continue;
            save(entry.getKey(), window);
            size -= window.size();
            leastRecentFirst.remove();
        }
        if (size > lowWater && inUse.users != null) {
            save(inUseKey, inUse);
            size -= inUse.users.size();
            inUse.users = null;
        }
    }

    private void save(WindowKey key, Window window) throws Exception {
        if (window.saved) return;
        saver.save(key, window);
        window.unsavedUsers.clear();
        window.saved = true;
    }

    private Window put(WindowKey key, Window window) {
        Window replaced = windows.put(key, window);
        if (replaced != null) size -= replaced.size();
        size += window.size();
        return window;
    }
}
