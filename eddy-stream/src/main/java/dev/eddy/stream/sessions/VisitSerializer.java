package dev.eddy.stream.sessions;

import dev.eddy.stream.wire.ImmutableRecordSerializer;
import dev.eddy.stream.wire.WireFields;
import dev.eddy.stream.wire.WireTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes a {@link Visit} as it crosses the shuffle from the metrics to the sessions; see {@link WireFields}. */
public final class VisitSerializer extends ImmutableRecordSerializer<Visit> {

    private static final long serialVersionUID = 1L;

    public static final VisitSerializer INSTANCE = new VisitSerializer();

    @Override
    public void serialize(Visit visit, DataOutputView out) throws IOException {
        WireFields.writeString(visit.visitorKey(), out);
        out.writeLong(visit.timestampMillis());
        out.writeLong(visit.funnelSteps());
    }

    @Override
    public Visit deserialize(DataInputView in) throws IOException {
        return new Visit(WireFields.readString(in), in.readLong(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<Visit> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Visit> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link Visit}'s {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<Visit> {
        @Override
        public TypeInformation<Visit> createTypeInfo(Type type, Map<String, TypeInformation<?>> generics) {
            return new WireTypeInfo<>(Visit.class, INSTANCE);
        }
    }
}
