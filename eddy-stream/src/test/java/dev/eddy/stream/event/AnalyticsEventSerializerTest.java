package dev.eddy.stream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AnalyticsEventSerializerTest {

    private static final AnalyticsEventSerializer SERIALIZER = AnalyticsEventSerializer.INSTANCE;

    private static final List<AnalyticsEvent> EVENTS = List.of(
            new AnalyticsEvent("web:m-1", "page", "/pricing", "u:u-1", "a:a-1", 0b101L, 1_764_000_000_123L,
                    "{\"type\":\"page\"}".getBytes(StandardCharsets.UTF_8)),
            // identify: no series, no page; an event without a user; no JSON
            new AnalyticsEvent("m-2", null, null, null, null, 0L, 0L, null),
            // empty is not null, on both sides
            new AnalyticsEvent("", "", "", "", "", -1L, Long.MIN_VALUE, new byte[0]),
            // beyond ASCII, and a page longer than one length byte holds
            new AnalyticsEvent("ios:ü-✓", "Café bestellt 🛒", "/ß/" + "x".repeat(300), "u:日本", "a:Ω", Long.MAX_VALUE,
                    Long.MAX_VALUE, "{\"name\":\"Über\"}".getBytes(StandardCharsets.UTF_8)));

    @Test
    void everyFieldComesBackAsItWasWritten() throws IOException {
        for (AnalyticsEvent event : EVENTS) {
            assertThat(SERIALIZER.deserialize(new DataInputDeserializer(bytesOf(event))))
                    .usingRecursiveComparison()
                    .isEqualTo(event);
        }
    }

    @Test
    void recordsWrittenBackToBackAreReadBackToBack() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (AnalyticsEvent event : EVENTS) SERIALIZER.serialize(event, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (AnalyticsEvent event : EVENTS) {
            assertThat(SERIALIZER.deserialize(in)).usingRecursiveComparison().isEqualTo(event);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void aCopyOfTheBytesIsTheSameBytes() throws IOException {
        for (AnalyticsEvent event : EVENTS) {
            byte[] written = bytesOf(event);
            DataOutputSerializer copy = new DataOutputSerializer(64);
            SERIALIZER.copy(new DataInputDeserializer(written), copy);
            assertThat(copy.getCopyOfBuffer()).isEqualTo(written);
        }
    }

    @Test
    void itsSnapshotRestoresTheSameSerializer() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        TypeSerializerSnapshot<AnalyticsEvent> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isSameAs(SERIALIZER);
        assertThat(restored.resolveSchemaCompatibility(SERIALIZER.snapshotConfiguration()).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aCutRecordIsAnErrorNotAWrongEvent() throws IOException {
        byte[] written = bytesOf(EVENTS.get(0));
        DataInputDeserializer cut = new DataInputDeserializer(written, 0, written.length - 3);
        assertThatThrownBy(() -> SERIALIZER.deserialize(cut)).isInstanceOf(IOException.class);
        // a length beyond an int is no length
        DataInputDeserializer badLength = new DataInputDeserializer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0x7F});
        assertThatThrownBy(() -> SERIALIZER.deserialize(badLength))
                .isInstanceOf(IOException.class)
                .hasMessage("malformed length of a wire field");
    }

    private static byte[] bytesOf(AnalyticsEvent event) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(event, out);
        return out.getCopyOfBuffer();
    }
}
