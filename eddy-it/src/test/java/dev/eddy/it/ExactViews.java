package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.workload.truth.TruthFile;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The end-to-end tests' verdict: the query API answers exactly the generator's ground truth,
 * every (minute, series) row with its count and distinct users, in the API's order, and every
 * row final.
 */
final class ExactViews {

    private ExactViews() {}

    /**
     * Waits until {@code GET /v1/metrics/events} over the truth's minutes equals the truth. The
     * last minute turns final only once the input has been quiet for a while (the quiet-tail
     * watermark).
     */
    static void awaitEqual(EddyApi api, TruthFile truth, Duration timeout) {
        awaitRows(api, truth.series(), timeout);
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
