package dev.eddy.bus.tail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka record as one line of JSON:
 * {@code {"topic","partition","offset","timestamp","key","headers":{...},"value":...}}.
 *
 * <p>{@code timestamp} is the record's Kafka timestamp in epoch milliseconds; key and header
 * values are UTF-8 strings (null when absent); a repeated header name keeps its last value.
 * {@code value} is embedded as JSON when it is exactly one JSON document, else given as a
 * UTF-8 string, so JSON events stay queryable with {@code jq} and anything else stays visible.
 */
public final class RecordJsonLine {

    /** Strict: "12 apples" is text, not the number 12 followed by garbage. */
    private static final ObjectReader STRICT_JSON =
            EventJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RecordJsonLine() {}

    public static String format(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = EventJson.MAPPER.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", text(record.key()));
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), text(header.value()));
        }
        line.set("value", value(record.value()));
        try {
            return EventJson.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static JsonNode value(byte[] bytes) {
        if (bytes == null) return EventJson.MAPPER.nullNode();
        try {
            JsonNode parsed = STRICT_JSON.readTree(bytes);
            if (parsed != null && !parsed.isMissingNode()) return parsed;
        } catch (IOException notJson) {
            // shown as text below
        }
        return EventJson.MAPPER.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
