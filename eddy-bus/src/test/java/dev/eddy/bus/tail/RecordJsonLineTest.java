package dev.eddy.bus.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordJsonLineTest {

    @Test
    void jsonValueIsEmbedded() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", bytes("m-1"));
        headers.add("empty", null);
        assertThat(RecordJsonLine.format(record(bytes("u-1"), bytes("{\"a\":[1,2.5,\"x\"],\"b\":null}"), headers)))
                .isEqualTo("{\"topic\":\"t\",\"partition\":2,\"offset\":17,\"timestamp\":1700000000123,\"key\":\"u-1\","
                        + "\"headers\":{\"ce_id\":\"m-1\",\"empty\":null},\"value\":{\"a\":[1,2.5,\"x\"],\"b\":null}}");
    }

    @Test
    void textValueIsAString() {
        assertThat(RecordJsonLine.format(record(null, bytes("12 apples \"fresh\""), new RecordHeaders())))
                .isEqualTo("{\"topic\":\"t\",\"partition\":2,\"offset\":17,\"timestamp\":1700000000123,\"key\":null,"
                        + "\"headers\":{},\"value\":\"12 apples \\\"fresh\\\"\"}");
    }

    @Test
    void emptyAndNullValues() {
        assertThat(RecordJsonLine.format(record(null, new byte[0], new RecordHeaders()))).endsWith("\"value\":\"\"}");
        assertThat(RecordJsonLine.format(record(null, null, new RecordHeaders()))).endsWith("\"value\":null}");
        assertThat(RecordJsonLine.format(record(null, bytes("42"), new RecordHeaders()))).endsWith("\"value\":42}");
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("t", 2, 17, 1700000000123L, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
