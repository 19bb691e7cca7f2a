package dev.eddy.workload.truth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.Event;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.workload.traffic.SegmentMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * two users. An event whose {@link Event#dedupKey()} was already seen counts once. And the same
 * per (minute, page): a page call's {@code properties.path}, else its name, and a screen call's
 * name. And the sessions of the counted events ({@link #sessions(Duration)}).
 *
 * <p>Keeps every user of every (minute, series) and every dedup key: meant for runs of up to
 * a few million events. Thread-safe.
 */
public final class GroundTruth {

    private final Set<String> seen = new HashSet<>();
    private final Map<Instant, Map<String, Cell>> minutes = new TreeMap<>();
    private final Map<Instant, Map<String, Cell>> pageMinutes = new TreeMap<>();
    /** Each visitor's counted events' times, epoch millis, in the order added. */
    private final Map<String, List<Long>> visits = new HashMap<>();

    /** The series an event counts in, or null when its type is not counted. */
    public static String series(Event event) {
        return switch (event.type()) {
            case TRACK -> event.event();
            case PAGE -> "page";
            case SCREEN -> "screen";
            case IDENTIFY, GROUP, ALIAS -> null;
        };
    }

    /**
     * The page an event views, or null when it views none: a page call's {@code properties.path}
     * when a string not blank, else its name; a screen call's name; as the views hold it.
     */
    public static String page(Event event) {
        String page = switch (event.type()) {
            case PAGE -> {
                JsonNode path = event.properties().path("path");
                yield path.isTextual() && !path.textValue().isBlank() ? path.textValue() : event.name();
            }
            case SCREEN -> event.name();
            case TRACK, IDENTIFY, GROUP, ALIAS -> null;
        };
        return page == null || page.isBlank() ? null : ViewLimits.fitPage(page);
    }

    /** @return false when the event is a duplicate of one already added */
    public synchronized boolean add(Event event) {
        if (!seen.add(event.dedupKey())) return false;
        String series = series(event);
        count(minutes, series, event);
        count(pageMinutes, page(event), event);
        String visitor = event.visitorKey();
        if (series != null && visitor != null) {
            visits.computeIfAbsent(visitor, v -> new ArrayList<>()).add(event.timestamp().toEpochMilli());
        }
        return true;
    }

    private static void count(Map<Instant, Map<String, Cell>> cells, String name, Event event) {
        if (name == null) return;
        Instant minute = event.timestamp().truncatedTo(ChronoUnit.MINUTES);
        Cell cell = cells.computeIfAbsent(minute, m -> new TreeMap<>()).computeIfAbsent(name, s -> new Cell());
        cell.count++;
        String user = event.userKey();
        if (user != null) cell.users.add(user);
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
        return rows(minutes);
    }

    /** The final per-minute views and visitors of each page, sorted by start, then page; the page in {@code event}. */
    public synchronized List<MinuteMetric> pages() {
        return rows(pageMinutes);
    }

    /**
     * The sessions of the counted events, every one of them over, per minute of their start,
     * sorted by start: a visitor's ({@link Event#visitorKey()}) events in time order, split where
     * two follow each other more than {@code gap} apart.
     */
    public synchronized List<SessionMetric> sessions(Duration gap) {
        long gapMillis = gap.toMillis();
        Map<Long, long[]> byMinute = new TreeMap<>();
        for (List<Long> times : visits.values()) {
            long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
            int first = 0;
            for (int i = 1; i <= sorted.length; i++) {
                if (i == sorted.length || sorted[i] - sorted[i - 1] > gapMillis) {
                    long start = sorted[first];
                    long[] row = byMinute.computeIfAbsent(Math.floorDiv(start, 60_000L) * 60_000L, m -> new long[4]);
                    int events = i - first;
                    row[0]++;
                    row[1] += sorted[i - 1] - start;
                    row[2] += events;
                    if (events == 1) row[3]++;
                    first = i;
                }
            }
        }
        List<SessionMetric> rows = new ArrayList<>();
        byMinute.forEach((minute, row) ->
                rows.add(new SessionMetric(Instant.ofEpochMilli(minute), row[0], row[0], row[1], row[2], row[3])));
        return rows;
    }

    private static List<MinuteMetric> rows(Map<Instant, Map<String, Cell>> cells) {
        List<MinuteMetric> rows = new ArrayList<>();
        cells.forEach((minute, names) -> names.forEach((name, cell) ->
                rows.add(new MinuteMetric(minute, name, cell.count, cell.users.size(), true))));
        return rows;
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
