package dev.eddy.model.alerts;

import dev.eddy.model.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON codec of an {@link Alert}, the value format of {@code eddy.alerts}, and the
 * CloudEvents attributes its records carry (as {@code eddy.events}' records do), so a
 * CloudEvents-aware consumer and the webhooks of handlers name alerts as they name events.
 */
public final class AlertJson {

    /** {@code ce_source} of every alert. */
    public static final String SOURCE = "eddy:alerts";
    /** {@code ce_type} of an alert: this, then its state, e.g. {@code eddy.alert.firing}. */
    public static final String TYPE_PREFIX = "eddy.alert.";

    private AlertJson() {}

    public static byte[] encode(Alert alert) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(alert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode alert " + alert.id(), e);
        }
    }

    /** @throws IOException when the bytes are not an alert */
    public static Alert decode(byte[] json) throws IOException {
        return EventJson.MAPPER.readValue(json, Alert.class);
    }

    /**
     * The alert's CloudEvents attributes by name ({@code specversion}, {@code id}, {@code type},
     * {@code source}, {@code time}: the end of its minute, when it was known); the Kafka binding
     * prefixes each with {@code ce_}.
     */
    public static Map<String, String> cloudEventAttributes(Alert alert) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", alert.id());
        attributes.put("type", TYPE_PREFIX + alert.state().wireName());
        attributes.put("source", SOURCE);
        attributes.put("time", alert.minute().plus(1, ChronoUnit.MINUTES).toString());
        return attributes;
    }
}
