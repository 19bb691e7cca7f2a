package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.workload.truth.TruthFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The end-to-end tests' verdict: the query API answers exactly the generator's ground truth,
 * every (minute, series) and every (minute, page) row with its count and distinct users, in the
 * API's order, and every row final; the top pages of those minutes; every minute's sessions,
 * all of them over; and how far those sessions went in each funnel.
 */
final class ExactViews {

    private ExactViews() {}

    /**
     * Waits until {@code GET /v1/metrics/events} and {@code /v1/metrics/pages} over the truth's
     * minutes equal the truth, then checks {@code /v1/pages/top} over them, then waits until
     * {@code /v1/sessions} equals the truth's sessions (split by the gap the Eddy runs with,
     * {@link Traffic#SESSION_GAP}), then until each funnel's {@code /v1/funnels/{name}} does
     * ({@link Traffic#FUNNELS}), by minute and in all. The last minute turns final only once the
     * input has been quiet for a while (the quiet-tail watermark), the last sessions end a gap
     * after that.
     */
    static void awaitEqual(EddyApi api, TruthFile truth, Duration timeout) {
        awaitRows(api, truth.series(), timeout);
        Instant from = truth.series().get(0).start();
        Instant to = truth.series().get(truth.series().size() - 1).start().plus(1, ChronoUnit.MINUTES);
        assertThat(truth.pages()).as("ground truth of pages").isNotEmpty();
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(api.pagesPerMinute(from, to))
                        .as("rows of /v1/metrics/pages?from=%s&to=%s", from, to)
                        .containsExactlyElementsOf(truth.pages()));
        try {
            assertThat(api.topPages(from, to, TOP)).as("/v1/pages/top?from=%s&to=%s", from, to)
                    .containsExactlyElementsOf(topPages(truth));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET /v1/pages/top failed", e);
        }
        assertThat(truth.sessionGap()).as("the truth's session gap").isEqualTo(Traffic.SESSION_GAP);
        assertThat(truth.sessions()).as("ground truth of sessions").isNotEmpty();
        Instant sessionsTo = truth.sessions().get(truth.sessions().size() - 1).start().plus(1, ChronoUnit.MINUTES);
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(api.sessionsPerMinute(from, sessionsTo))
                        .as("rows of /v1/sessions?from=%s&to=%s", from, sessionsTo)
                        .containsExactlyElementsOf(truth.sessions()));
        assertThat(truth.funnels()).as("the truth's funnels").isEqualTo(Traffic.FUNNELS.list());
        for (Funnel funnel : truth.funnels()) awaitFunnel(api, truth, funnel, from, sessionsTo, timeout);
    }

    /** Waits until the funnel's rows over [from, to) equal the truth's, then checks its steps' totals. */
    private static void awaitFunnel(EddyApi api, TruthFile truth, Funnel funnel, Instant from, Instant to, Duration timeout) {
        List<FunnelMetric> expected = truth.funnelRows().stream().filter(row -> row.funnel().equals(funnel.name())).toList();
        assertThat(expected).as("ground truth of funnel %s", funnel.name()).isNotEmpty();
        String request = "/v1/funnels/" + funnel.name() + "?from=" + from + "&to=" + to;
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(differences(funnel, expected, api.funnel(funnel.name(), from, to).minutes()))
                        .as("minutes of %s that differ from the truth", request)
                        .isEmpty());
        EddyApi.FunnelAnswer answer;
        try {
            answer = api.funnel(funnel.name(), from, to);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + request + " failed", e);
        }
        assertThat(answer.steps()).as("steps of %s", request)
                .containsExactlyElementsOf(funnel.steps().stream().map(Object::toString).toList());
        List<Long> totals = new ArrayList<>();
        for (int step = 0; step < funnel.steps().size(); step++) {
            int s = step;
            totals.add(expected.stream().mapToLong(row -> row.reached().get(s)).sum());
        }
        assertThat(answer.sessions()).as("sessions reaching each step of %s", request).containsExactlyElementsOf(totals);
    }

    /**
     * Where a funnel's rows differ from the truth's, minute by minute and step by step, in words;
     * none when they are the same rows in the same order.
     */
    private static List<String> differences(Funnel funnel, List<FunnelMetric> expected, List<FunnelMetric> actual) {
        Map<Instant, FunnelMetric> expectedByMinute = byMinute(expected);
        Map<Instant, FunnelMetric> actualByMinute = byMinute(actual);
        Set<Instant> minutes = new TreeSet<>(expectedByMinute.keySet());
        minutes.addAll(actualByMinute.keySet());
        List<String> differences = new ArrayList<>();
        for (Instant minute : minutes) {
            FunnelMetric want = expectedByMinute.get(minute);
            FunnelMetric got = actualByMinute.get(minute);
            if (got == null) {
                differences.add(minute + ": no row, the truth has reached " + want.reached());
            } else if (want == null) {
                differences.add(minute + ": reached " + got.reached() + ", the truth has no sessions entering then");
            } else if (!got.funnel().equals(funnel.name()) || got.reached().size() != want.reached().size()) {
                differences.add(minute + ": " + got + ", the truth has " + want);
            } else {
                for (int step = 0; step < want.reached().size(); step++) {
                    if (!want.reached().get(step).equals(got.reached().get(step))) {
                        differences.add(minute + " step " + (step + 1) + " (" + funnel.steps().get(step) + "): "
                                + got.reached().get(step) + ", the truth has " + want.reached().get(step));
                    }
                }
            }
        }
        if (differences.isEmpty() && !actual.equals(expected)) {
            differences.add("the rows are the truth's, but out of minute order or some twice: " + actual);
        }
        return differences;
    }

    /** The rows by their minute, the first of a minute given twice ({@link #differences} says so when that is all). */
    private static Map<Instant, FunnelMetric> byMinute(List<FunnelMetric> rows) {
        Map<Instant, FunnelMetric> byMinute = new HashMap<>();
        for (FunnelMetric row : rows) byMinute.putIfAbsent(row.start(), row);
        return byMinute;
    }

    private static final int TOP = 10;

    /** The truth's pages by views over all its minutes, most first, ties in Java's order of pages. */
    private static List<Map.Entry<String, Long>> topPages(TruthFile truth) {
        Map<String, Long> views = new HashMap<>();
        for (MinuteMetric page : truth.pages()) views.merge(page.event(), page.count(), Long::sum);
        return views.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    /** Waits until the truth's rows show with their final figures but none of them final yet: the minutes are still open. */
    static void awaitLive(EddyApi api, TruthFile truth, Duration timeout) {
        awaitRows(api, truth.series().stream()
                .map(m -> new MinuteMetric(m.start(), m.event(), m.count(), m.users(), false))
                .toList(), timeout);
    }

    /** Sum of the truth's counts: the distinct counted events, each of which the job let through dedup once. */
    static long countedEvents(TruthFile truth) {
        return truth.series().stream().mapToLong(MinuteMetric::count).sum();
    }

    private static void awaitRows(EddyApi api, List<MinuteMetric> expected, Duration timeout) {
        assertThat(expected).as("ground truth").isNotEmpty();
        Instant from = expected.get(0).start();
        Instant to = expected.get(expected.size() - 1).start().plus(1, ChronoUnit.MINUTES);
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(api.eventsPerMinute(from, to))
                        .as("rows of /v1/metrics/events?from=%s&to=%s", from, to)
                        .containsExactlyElementsOf(expected));
    }
}
