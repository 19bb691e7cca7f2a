package dev.eddy.store.sessions;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads the sessions view. */
public final class SessionsQuery {

    private static final String SELECT =
            "SELECT minute_start, sessions, ended, length_millis, events, bounces FROM session_metrics";

    private final ViewReads reads;

    public SessionsQuery(ViewReads reads) {
        this.reads = Objects.requireNonNull(reads, "reads");
    }

    /**
     * The stored rows whose minute starts in [from, to), by minute start, and their total. Minutes
     * in which no session started have no row, also those left with a row of zeros by the job: a
     * late event that joins two sessions counts them as one in the earlier one's minute, so the
     * later one's minute can go from one session to none.
     *
     * @throws MinuteRange.TooManyRows when more than {@link MinuteRange#MAX_ROWS} rows match
     */
    public SessionsInRange minutes(Instant from, Instant to) {
        List<SessionMetric> minutes = MinuteRange.readCapped(reads, SELECT, null, from, to, Optional.empty(),
                SessionsQuery::row, "session_metrics");
        minutes.removeIf(minute -> minute.sessions() == 0);
        minutes.sort(Comparator.comparing(SessionMetric::start));
        return new SessionsInRange(minutes, SessionTotal.of(minutes));
    }

    private static SessionMetric row(ResultSet row) throws SQLException {
        return new SessionMetric(row.getObject(1, OffsetDateTime.class).toInstant(), row.getLong(2), row.getLong(3),
                row.getLong(4), row.getLong(5), row.getLong(6));
    }
}
