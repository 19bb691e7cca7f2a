package dev.eddy.workload.truth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.workload.traffic.SegmentMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The exact per-minute metrics of a set of events, as the analytics job should compute them:
 * per (event-time minute in UTC, series) the number of events and of distinct users. The series
 * is the track event's name, {@code page} or {@code screen}; identify, group and alias calls are
 * not counted. Users are {@link Event#userKey()}, so a userId and an equal anonymousId stay
 * two users. An event whose {@link Event#dedupKey()} was already seen counts once. And the same
 * per (minute, page): a page call's {@code properties.path}, else its name, and a screen call's
 * name. And the sessions of the counted events ({@link #sessions(Duration)}), and how far they
 * went in funnels ({@link #funnels(Duration, Funnels)}).
 *
 * <p>Keeps every user of every (minute, series) and every dedup key: meant for runs of up to
 * a few million events. Thread-safe.
 */
public final class GroundTruth {

    private final Set<String> seen = new HashSet<>();
    private final Map<Instant, Map<String, Cell>> minutes = new TreeMap<>();
    private final Map<Instant, Map<String, Cell>> pageMinutes = new TreeMap<>();
    /** Each visitor's counted events, in the order added. */
    private final Map<String, List<Visit>> visits = new HashMap<>();

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
            visits.computeIfAbsent(visitor, v -> new ArrayList<>())
                    .add(new Visit(event.timestamp().toEpochMilli(), event.type(), event.event(), event.name()));
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
        Map<Long, long[]> byMinute = new TreeMap<>();
        forEachSession(gap, session -> {
            long start = session.get(0).time();
            long[] row = byMinute.computeIfAbsent(minuteOf(start), m -> new long[4]);
            row[0]++;
            row[1] += session.get(session.size() - 1).time() - start;
            row[2] += session.size();
            if (session.size() == 1) row[3]++;
        });
        List<SessionMetric> rows = new ArrayList<>();
        byMinute.forEach((minute, row) ->
                rows.add(new SessionMetric(Instant.ofEpochMilli(minute), row[0], row[0], row[1], row[2], row[3])));
        return rows;
    }

    /**
     * How far the sessions of {@link #sessions(Duration)} went in each funnel ({@link
     * Funnel#reached}), per funnel and minute of their start: sorted by the funnels' order, then
     * start, and only the minutes with a session that entered the funnel.
     */
    public synchronized List<FunnelMetric> funnels(Duration gap, Funnels funnels) {
        List<Map<Long, long[]>> byFunnel = new ArrayList<>();
        for (int f = 0; f < funnels.size(); f++) byFunnel.add(new TreeMap<>());
        forEachSession(gap, session -> {
            for (int f = 0; f < funnels.size(); f++) {
                Funnel funnel = funnels.get(f);
                int reached = funnel.reached(session.stream()
                        .map(visit -> new Funnel.Step(funnel.stepOf(visit.type(), visit.event(), visit.name()), visit.time()))
                        .toList());
                if (reached == 0) continue;
                long[] row = byFunnel.get(f).computeIfAbsent(minuteOf(session.get(0).time()),
                        m -> new long[funnel.steps().size()]);
                for (int s = 0; s < reached; s++) row[s]++;
            }
        });
        List<FunnelMetric> rows = new ArrayList<>();
        for (int f = 0; f < funnels.size(); f++) {
            String name = funnels.get(f).name();
            byFunnel.get(f).forEach((minute, row) ->
                    rows.add(new FunnelMetric(name, Instant.ofEpochMilli(minute), Arrays.stream(row).boxed().toList())));
        }
        return rows;
    }

    /**
     * Hands each visitor's sessions to {@code session}: its counted events sorted by time
     * (those of one millisecond in the order added), split where two follow each other more than
     * {@code gap} apart. The one definition of a session the truths of both views share.
     */
    private void forEachSession(Duration gap, Consumer<List<Visit>> session) {
        long gapMillis = gap.toMillis();
        for (List<Visit> added : visits.values()) {
            List<Visit> sorted = new ArrayList<>(added);
            sorted.sort(Comparator.comparingLong(Visit::time));
            int first = 0;
            for (int i = 1; i <= sorted.size(); i++) {
                if (i == sorted.size() || sorted.get(i).time() - sorted.get(i - 1).time() > gapMillis) {
                    session.accept(sorted.subList(first, i));
                    first = i;
                }
            }
        }
    }

    private static long minuteOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 60_000L) * 60_000L;
    }

    /**
     * A counted event as the sessions take it: its time, epoch millis, and what a funnel step
     * matches on.
     *
     * @param event a track call's event name
     * @param name a page or screen call's name
     */
    private record Visit(long time, EventType type, String event, String name) {}

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
