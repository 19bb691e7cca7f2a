package dev.eddy.model;

import java.util.List;

/** The topic catalogue: every Kafka topic Eddy reads or writes. */
public final class Topics {
    /** Accepted events, keyed by user, canonical JSON values, CloudEvents headers. */
    public static final String EVENTS = "eddy.events";
    /** Rejected input with its reason, so nothing a client sent is lost. */
    public static final String INVALID = "eddy.events.invalid";
    /** Events that arrived after their window's allowed lateness. */
    public static final String LATE = "eddy.events.late";
    /** Anomaly alerts, written exactly once by the analytics job. */
    public static final String ALERTS = "eddy.alerts";

    /** The topics a running Eddy creates at start. */
    public static final List<String> ALL = List.of(EVENTS, INVALID, LATE, ALERTS);

    private Topics() {}

    /** The dead-letter topic of a handler. */
    public static String handlerDeadLetter(String handler) {
        return "eddy.handler." + handler + ".dlt";
    }
}
