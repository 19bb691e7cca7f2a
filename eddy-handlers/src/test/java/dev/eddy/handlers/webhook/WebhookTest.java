package dev.eddy.handlers.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class WebhookTest {

    @Test
    void statusesSortIntoDeliveredRetryAndFailed() {
        assertThat(Outcome.ofStatus(200, Duration.ZERO).kind()).isEqualTo(Outcome.Kind.DELIVERED);
        assertThat(Outcome.ofStatus(204, Duration.ZERO).kind()).isEqualTo(Outcome.Kind.DELIVERED);
        for (int status : new int[] {408, 425, 429, 500, 502, 503, 504}) {
            assertThat(Outcome.ofStatus(status, Duration.ZERO)).isEqualTo(new Outcome(Outcome.Kind.RETRY, status, "answered HTTP " + status));
        }
        for (int status : new int[] {301, 400, 401, 403, 404, 410, 422}) {
            assertThat(Outcome.ofStatus(status, Duration.ZERO)).isEqualTo(new Outcome(Outcome.Kind.FAILED, status, "answered HTTP " + status));
        }
    }

    @Test
    void retryAfterIsSecondsOrADate() {
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        assertThat(RetryAfter.parse("120", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999", now)).isEmpty();
    }

    @Test
    void onlyARetriedAnswerKeepsItsRetryAfter() {
        assertThat(Outcome.ofStatus(503, Duration.ofSeconds(5)).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(Outcome.ofStatus(400, Duration.ofSeconds(5)).retryAfter()).isZero();
    }

    @Test
    void headersCarryTheCloudEventsAttributesPercentEncoded() {
        RecordHeaders record = new RecordHeaders();
        record.add("ce_id", bytes("m-1"));
        record.add("ce_type", bytes("Bestellung \"abgeschloßen\" 100%"));
        record.add("content-type", bytes("application/json"));
        record.add("ce_my ext", bytes("no attribute's name: left out, it would make no valid request"));
        assertThat(WebhookHeaders.of(record, "ce:src#1", "orders")).containsExactly(
                entry("ce-id", "m-1"),
                entry("ce-type", "Bestellung%20%22abgeschlo%C3%9Fen%22%20100%25"),
                entry("Idempotency-Key", "ce:src#1"),
                entry("Eddy-Handler", "orders"));
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
