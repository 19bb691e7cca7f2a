package dev.eddy.bus.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.bus.TestEvents;
import dev.eddy.model.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

    @Test
    void trackEventIsTypedByItsName() {
        Event e = TestEvents.track("m-1", "u-1", "Order Completed", TestEvents.T0);
        assertThat(headers(e)).containsExactly(
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_id", "m-1"),
                Map.entry("ce_type", "Order Completed"),
                Map.entry("ce_source", "eddy:segment"),
                Map.entry("ce_time", "2025-03-01T12:00:00.123Z"),
                Map.entry("content-type", "application/json"));
    }

    @Test
    void otherSegmentCallsAreTypedBySegmentPrefix() {
        Event e = TestEvents.anonymousPage("m-2", "anon-9", TestEvents.T0);
        assertThat(headers(e)).containsEntry("ce_type", "segment.page").containsEntry("ce_source", "eddy:segment");
    }

    @Test
    void cloudEventKeepsItsSourceAndType() {
        Event e = TestEvents.cloudEvent("ce-1", "https://shop.example/orders", "com.example.order.placed", TestEvents.T0);
        assertThat(headers(e))
                .containsEntry("ce_id", "ce-1")
                .containsEntry("ce_type", "com.example.order.placed")
                .containsEntry("ce_source", "https://shop.example/orders");
    }

    private static Map<String, String> headers(Event e) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header h : CloudEventHeaders.of(e)) {
            assertThat(map).doesNotContainKey(h.key());
            map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return map;
    }
}
