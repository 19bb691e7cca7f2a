package dev.eddy.workload.truth;

import dev.eddy.model.Event;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.workload.traffic.SegmentMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exact per-minute metrics of a set of events, as the analytics job should compute them:
 * per (event-time minute in UTC, series) the number of events and of distinct users. The series
 * is the track event's name, {@code page} or {@code screen}; identify, group and alias calls are
 * not counted. Users are {@link Event#userKey()}, so a userId and an equal anonymousId stay
 * two users. An event whose {@link Event#dedupKey()} was already seen counts once.
 *
 * <p>Keeps every user of every (minute, series) and every dedup key: meant for runs of up to
 * a few million events. Thread-safe.
 */
public final class GroundTruth {

    private final Set<String> seen = new HashSet<>();
    private final Map<Instant, Map<String, Cell>> minutes = new TreeMap<>();

    /** The series an event counts in, or null when its type is not counted. */
    public static String series(Event event) {
        return switch (event.type()) {
            case TRACK -> event.event();
            case PAGE -> "page";
            case SCREEN -> "screen";
            case IDENTIFY, GROUP, ALIAS -> null;
        };
    }

    /** @return false when the event is a duplicate of one already added */
    public synchronized boolean add(Event event) {
        if (!seen.add(event.dedupKey())) return false;
        String series = series(event);
        if (series == null) return true;
        Instant minute = event.timestamp().truncatedTo(ChronoUnit.MINUTES);
        Cell cell = minutes.computeIfAbsent(minute, m -> new TreeMap<>()).computeIfAbsent(series, s -> new Cell());
        cell.count++;
        String user = event.userKey();
        if (user != null) cell.users.add(user);
        return true;
    }

    public boolean add(SegmentMessage message) {
        return add(message.event());
    }

    /** Distinct events added, counted or not. */
    public synchronized long events() {
        return seen.size();
    }

    /** The final per-minute metrics, sorted by start, then series name. */
    public synchronized List<MinuteMetric> metrics() {
        List<MinuteMetric> metrics = new ArrayList<>();
        minutes.forEach((minute, series) -> series.forEach((name, cell) ->
                metrics.add(new MinuteMetric(minute, name, cell.count, cell.users.size(), true))));
        return metrics;
    }

    /**
     * A view of {@code source} that adds each message here as it is taken, so the truth covers
     * exactly what a sender pulled.
     */
    public Iterator<SegmentMessage> recording(Iterator<SegmentMessage> source) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public SegmentMessage next() {
                SegmentMessage message = source.next();
                add(message);
                return message;
            }
        };
    }

    private static final class Cell {
        private long count;
        private final Set<String> users = new HashSet<>();
    }
}
