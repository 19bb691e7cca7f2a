package dev.eddy.server.query;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.sessions.SessionTotal;
import dev.eddy.store.sessions.SessionsInRange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The answer of {@code GET /v1/sessions}: the range's rows as the view holds them, and its total,
 * whose averages are over the sessions that ended (the only ones with a length, events and a
 * bounce yet), null when none did: a zero would read as sessions of no length.
 */
record SessionsAnswer(List<SessionMetric> minutes, Total total) {

    /** Seconds to a tenth: a session lasts seconds to minutes, and the dashboard shows no finer. */
    private static final int LENGTH_DECIMALS = 1;
    /** Events to a hundredth: whole events would show 1 for 1.4, as if every session bounced. */
    private static final int EVENTS_DECIMALS = 2;
    /** A fraction to a ten-thousandth, a hundredth of a percent. */
    private static final int RATE_DECIMALS = 4;

    record Total(long sessions, long ended, Double averageLengthSeconds, Double eventsPerSession, Double bounceRate) {}

    static SessionsAnswer of(SessionsInRange range) {
        SessionTotal sum = range.total();
        return new SessionsAnswer(range.minutes(), new Total(sum.sessions(), sum.ended(),
                perEnded(BigDecimal.valueOf(sum.lengthMillis(), 3), sum.ended(), LENGTH_DECIMALS), // ms as s, exactly
                perEnded(BigDecimal.valueOf(sum.events()), sum.ended(), EVENTS_DECIMALS),
                perEnded(BigDecimal.valueOf(sum.bounces()), sum.ended(), RATE_DECIMALS)));
    }

    /** {@code figure / ended} rounded half up to {@code decimals}, or null when nothing ended. */
    private static Double perEnded(BigDecimal figure, long ended, int decimals) {
        if (ended == 0) return null;
        return figure.divide(BigDecimal.valueOf(ended), decimals, RoundingMode.HALF_UP).doubleValue();
    }
}
