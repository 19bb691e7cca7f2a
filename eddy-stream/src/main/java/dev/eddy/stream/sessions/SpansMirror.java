package dev.eddy.stream.sessions;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded heap copy of {@link VisitorSessions}' state, ahead of it: on RocksDB a visitor's
 * spans cost a lookup and a memtable insert per event, which was most of what the sessions added
 * to the job's cost per event; held here, an event going on with a held visitor's session costs no
 * state access.
 *
 * <p>The operator is the only writer of its state and changes the copy first; the {@link Saver}
 * writes a visitor's unsaved spans to the state when the copy drops them and, through
 * {@link #saveAll}, before each checkpoint, so the state is whole at every checkpoint and the copy
 * is never checkpointed (a restored or rescaled operator starts with an empty one). Beyond
 * {@code capacity} visitors, those used least recently are saved and dropped until three quarters
 * are left, and read from the state again when they come back.
 */
final class SpansMirror {

    /** Writes a visitor's spans to its key's state. */
    @FunctionalInterface
    interface Saver {
        void save(String visitor, SessionSpans spans) throws Exception;
    }

    private static final class Held {
        private SessionSpans spans;
        /** Whether the state holds these spans. */
        private boolean saved;

        private Held(SessionSpans spans, boolean saved) {
            this.spans = spans;
            this.saved = saved;
        }
    }

    private final int capacity;
    private final int lowWater;
    private final Saver saver;
    /** Least recently used first. */
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>(16, 0.75f, true);

    SpansMirror(int capacity, Saver saver) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
        this.lowWater = capacity - capacity / 4;
        this.saver = saver;
    }

    /** The visitor's spans, or null when they are not held. */
    SessionSpans get(String visitor) {
        Held entry = held.get(visitor);
        return entry == null ? null : entry.spans;
    }

    /** Spans just read from the state. */
    void restored(String visitor, SessionSpans spans) {
        held.put(visitor, new Held(spans, true));
    }

    /** The visitor's new spans, saved to the state later. */
    void changed(String visitor, SessionSpans spans) {
        Held entry = held.get(visitor);
        if (entry == null) {
            held.put(visitor, new Held(spans, false));
        } else if (entry.spans != spans) {
            entry.spans = spans;
            entry.saved = false;
        }
    }

    /** Forgets the visitor, whose state the caller cleared. */
    void remove(String visitor) {
        held.remove(visitor);
    }

    /** Saves every visitor with unsaved spans, e.g. before a checkpoint. */
    void saveAll() throws Exception {
        for (Map.Entry<String, Held> entry : held.entrySet()) save(entry.getKey(), entry.getValue());
    }

    /** When more than the capacity is held, saves and drops those used least recently, down to three quarters of it. */
    void trim() throws Exception {
        if (held.size() <= capacity) return;
        Iterator<Map.Entry<String, Held>> leastRecentFirst = held.entrySet().iterator();
        while (held.size() > lowWater && leastRecentFirst.hasNext()) {
            Map.Entry<String, Held> entry = leastRecentFirst.next();
            save(entry.getKey(), entry.getValue());
            leastRecentFirst.remove();
        }
    }

    private void save(String visitor, Held entry) throws Exception {
        if (entry.saved) return;
        saver.save(visitor, entry.spans);
        entry.saved = true;
    }
}
