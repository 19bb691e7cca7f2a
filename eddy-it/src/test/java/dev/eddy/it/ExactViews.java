package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.workload.truth.TruthFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end tests' verdict: the query API answers exactly the generator's ground truth,
 * every (minute, series) and every (minute, page) row with its count and distinct users, in the
 * API's order, and every row final; the top pages of those minutes; and every minute's sessions,
 * all of them over.
 */
final class ExactViews {

    private ExactViews() {}

    /**
     * Waits until {@code GET /v1/metrics/events} and {@code /v1/metrics/pages} over the truth's
     * minutes equal the truth, then checks {@code /v1/pages/top} over them, then waits until
     * {@code /v1/sessions} equals the truth's sessions (split by the gap the Eddy runs with,
     * {@link Traffic#SESSION_GAP}). The last minute turns final only once the input has been
     * quiet for a while (the quiet-tail watermark), the last sessions end a gap after that.
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
