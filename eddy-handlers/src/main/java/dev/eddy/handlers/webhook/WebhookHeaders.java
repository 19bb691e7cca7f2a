package dev.eddy.handlers.webhook;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The HTTP headers of a webhook post, from the record of the event (or alert) on the handler's topic. */
public final class WebhookHeaders {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String HANDLER = "Eddy-Handler";
    public static final String ATTEMPT = "Eddy-Attempt";
    private static final String KAFKA_CE_PREFIX = "ce_";
    private static final String HTTP_CE_PREFIX = "ce-";
    /** CloudEvents attribute names: lowercase letters and digits. Others (a foreign producer's) are not passed on. */
    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z0-9]{1,64}");

    private WebhookHeaders() {}

    /**
     * The record's CloudEvents attributes as the HTTP binding names them ({@code ce_id} → {@code
     * ce-id}, values percent-encoded as that binding requires; a name that is no attribute's is
     * left out), the idempotency key (an event's dedup key or an alert's id, percent-encoded
     * alike) and the handler's name. {@link #ATTEMPT} is the caller's to add per attempt.
     */
    public static Map<String, String> of(Headers recordHeaders, String idempotencyKey, String handler) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : recordHeaders) {
            if (!header.key().startsWith(KAFKA_CE_PREFIX) || header.value() == null) continue;
            String attribute = header.key().substring(KAFKA_CE_PREFIX.length());
            if (ATTRIBUTE.matcher(attribute).matches()) {
                headers.put(HTTP_CE_PREFIX + attribute, percentEncoded(new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        headers.put(IDEMPOTENCY_KEY, percentEncoded(idempotencyKey));
        headers.put(HANDLER, handler);
        return headers;
    }

    /**
     * The CloudEvents HTTP binding's header value encoding: space, {@code "}, {@code %} and
     * everything outside printable ASCII as {@code %XX} of its UTF-8 bytes. It also keeps
     * event names in any script valid as HTTP header values.
     */
    static String percentEncoded(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
