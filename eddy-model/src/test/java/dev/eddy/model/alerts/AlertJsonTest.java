package dev.eddy.model.alerts;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertJsonTest {

    private final Alert alert = new Alert("Order Completed", Instant.parse("2026-11-27T20:31:00Z"), Alert.State.FIRING,
            Alert.Kind.DROP, 0, 50.0, 21.72, 78.28, "a drop");

    @Test
    void anAlertIsJsonWithItsIdAndLowercaseNames() throws Exception {
        String json = new String(AlertJson.encode(alert), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"series\":\"Order Completed\",\"minute\":\"2026-11-27T20:31:00Z\",\"state\":\"firing\","
                + "\"kind\":\"drop\",\"count\":0,\"expected\":50.0,\"low\":21.72,\"high\":78.28,\"message\":\"a drop\","
                + "\"id\":\"Order Completed@2026-11-27T20:31:00Z/firing\"}");
        assertThat(AlertJson.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(alert);
    }

    @Test
    void itsCloudEventAttributesNameItAsAnEventIsNamed() {
        assertThat(AlertJson.cloudEventAttributes(alert)).containsExactly(
                entry("specversion", "1.0"), entry("id", "Order Completed@2026-11-27T20:31:00Z/firing"),
                entry("type", "eddy.alert.firing"), entry("source", "eddy:alerts"), entry("time", "2026-11-27T20:32:00Z"));
    }
}
