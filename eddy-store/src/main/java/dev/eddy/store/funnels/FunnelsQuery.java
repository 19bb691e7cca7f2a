package dev.eddy.store.funnels;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Reads the funnels view. */
public final class FunnelsQuery {

    private final ViewReads reads;

    public FunnelsQuery(ViewReads reads) {
        this.reads = Objects.requireNonNull(reads, "reads");
    }

    /**
     * The stored minutes of one funnel whose start lies in [from, to), by minute start, each with
     * {@code steps} figures (0 for a step with no row). Minutes in which no session entered the
     * funnel have no row, also those left with zeros by the job: a late event that joins two
     * sessions counts them as one in the earlier one's minute, so the later one's minute can go
     * from one session to none.
     *
     * @param steps the funnel's steps, as configured
     * @throws MinuteRange.TooManyRows when more than {@link MinuteRange#MAX_ROWS} minutes match
     */
    public List<FunnelMetric> minutes(String funnel, int steps, Instant from, Instant to) {
        Objects.requireNonNull(funnel, "funnel");
        if (steps < Funnel.MIN_STEPS || steps > Funnel.MAX_STEPS) {
            throw new IllegalArgumentException("a funnel has " + Funnel.MIN_STEPS + " to " + Funnel.MAX_STEPS + " steps, got " + steps);
        }
        // a row per minute, its steps side by side: the cap counts minutes, as an answer does
        String select = "SELECT minute_start, " + IntStream.range(0, steps)
                .mapToObj(step -> "MAX(CASE WHEN step = " + step + " THEN sessions ELSE 0 END)")
                .collect(Collectors.joining(", ")) + " FROM funnel_metrics";
        List<FunnelMetric> minutes = MinuteRange.readCapped(reads, select, "funnel", from, to,
                Optional.of(funnel), "GROUP BY minute_start ORDER BY minute_start",
                row -> row(funnel, steps, row), "funnel_metrics");
        minutes.removeIf(minute -> minute.reached().stream().allMatch(sessions -> sessions == 0));
        return minutes;
    }

    private static FunnelMetric row(String funnel, int steps, ResultSet row) throws SQLException {
        List<Long> reached = new ArrayList<>(steps);
        for (int step = 0; step < steps; step++) reached.add(row.getLong(2 + step));
        return new FunnelMetric(funnel, row.getObject(1, OffsetDateTime.class).toInstant(), reached);
    }
}
