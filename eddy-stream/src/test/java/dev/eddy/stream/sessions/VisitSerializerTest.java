package dev.eddy.stream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class VisitSerializerTest {

    @Test
    void visitsComeBackAsTheyWereWritten() throws IOException {
        List<Visit> visits = List.of(new Visit("a:a-1", 1_764_000_000_123L, 0b11L), new Visit("u:Zoë ✓", -5L, Long.MIN_VALUE),
                new Visit("", 0L, 0L));
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (Visit visit : visits) VisitSerializer.INSTANCE.serialize(visit, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (Visit visit : visits) assertThat(VisitSerializer.INSTANCE.deserialize(in)).isEqualTo(visit);
        assertThat(in.available()).isZero();
    }
}
