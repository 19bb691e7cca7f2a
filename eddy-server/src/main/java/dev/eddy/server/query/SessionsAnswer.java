package dev.eddy.server.query;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.sessions.SessionTotal;
import dev.eddy.store.sessions.SessionsInRange;
import java.math.BigDecimal;
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

    record Total(long sessions, long ended, Double averageLengthSeconds, Double eventsPerSession, Double bounceRate) {}

    static SessionsAnswer of(SessionsInRange range) {
        SessionTotal sum = range.total();
        return new SessionsAnswer(range.minutes(), new Total(sum.sessions(), sum.ended(),
                Ratio.of(BigDecimal.valueOf(sum.lengthMillis(), 3), sum.ended(), LENGTH_DECIMALS), // ms as s, exactly
                Ratio.of(BigDecimal.valueOf(sum.events()), sum.ended(), EVENTS_DECIMALS),
                Ratio.of(BigDecimal.valueOf(sum.bounces()), sum.ended(), Ratio.RATE_DECIMALS)));
    }
}
