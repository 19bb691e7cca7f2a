package dev.eddy.store.sessions;

import dev.eddy.model.sessions.SessionMetric;
import java.util.List;

/**
 * The rows of the sessions view in a range, by minute, and their total, summed from the same rows:
 * a second query could see a row the first did not.
 */
public record SessionsInRange(List<SessionMetric> minutes, SessionTotal total) {}
