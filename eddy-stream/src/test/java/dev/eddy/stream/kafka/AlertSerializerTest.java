package dev.eddy.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class AlertSerializerTest {

    @Test
    void writesTheAlertKeyedBySeriesWithItsCloudEventsHeaders() throws Exception {
        Alert alert = new Alert("Order Completed", Instant.parse("2026-11-27T20:31:00Z"), Alert.State.RESOLVED,
                Alert.Kind.DROP, 20, 20.0, 2.11, 37.89, "back");

        ProducerRecord<byte[], byte[]> record = new AlertSerializer(Topics.ALERTS).serialize(alert, null, 123L);

        assertThat(record.topic()).isEqualTo(Topics.ALERTS);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("Order Completed");
        assertThat(AlertJson.decode(record.value())).isEqualTo(alert);
        assertThat(record.timestamp()).isNull();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        assertThat(headers).containsExactly(
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_id", "Order Completed@2026-11-27T20:31:00Z/resolved"),
                Map.entry("ce_type", "eddy.alert.resolved"),
                Map.entry("ce_source", "eddy:alerts"),
                Map.entry("ce_time", "2026-11-27T20:32:00Z"),
                Map.entry("content-type", "application/json"));
    }
}
