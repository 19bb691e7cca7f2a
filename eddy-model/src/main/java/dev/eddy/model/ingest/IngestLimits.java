package dev.eddy.model.ingest;

/** Limits ingest applies to each message, whatever protocol brought it. */
public final class IngestLimits {

    /** Largest message accepted, measured on its JSON bytes: Segment's limit of 32 KB per call. */
    public static final int MAX_EVENT_BYTES = 32 * 1024;

    /**
     * Longest event name (a track call's {@code event}, a CloudEvent's {@code type}), in UTF-16
     * units: the views' event column is 200 long, and H2 counts it in those units (most emoji
     * take two), PostgreSQL in characters. A longer name would be cut there, and two names alike
     * in their first 200 would share, and overwrite, one row.
     */
    public static final int MAX_EVENT_NAME_CHARS = 200;

    private IngestLimits() {}

    /** Records an error on {@code field} when {@code name} is longer than {@link #MAX_EVENT_NAME_CHARS}. */
    static void checkEventName(MessageFields fields, String field, String name) {
        if (name != null && name.length() > MAX_EVENT_NAME_CHARS) {
            fields.error(field, field + " must be at most " + MAX_EVENT_NAME_CHARS
                    + " characters (UTF-16 units: most emoji count two), got " + name.length());
        }
    }

    /** @return the size error for a message of {@code bytes} bytes, or null when within the limit */
    static FieldError sizeError(int index, long bytes) {
        if (bytes <= MAX_EVENT_BYTES) return null;
        return new FieldError(index, FieldError.WHOLE_MESSAGE,
                "message is " + bytes + " bytes, the limit is " + MAX_EVENT_BYTES + " bytes");
    }
}
