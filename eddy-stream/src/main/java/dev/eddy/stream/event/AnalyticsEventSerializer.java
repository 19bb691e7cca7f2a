package dev.eddy.stream.event;

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

/**
 * Writes an {@link AnalyticsEvent} as it crosses the job's shuffles (source to dedup, dedup to the
 * metrics and the pages): its strings and JSON in bulk ({@link WireFields}) where Flink's record
 * serializer wrote each string a char at a time.
 */
public final class AnalyticsEventSerializer extends ImmutableRecordSerializer<AnalyticsEvent> {

    private static final long serialVersionUID = 1L;

    public static final AnalyticsEventSerializer INSTANCE = new AnalyticsEventSerializer();

    @Override
    public void serialize(AnalyticsEvent event, DataOutputView out) throws IOException {
        WireFields.writeString(event.dedupKey(), out);
        WireFields.writeString(event.series(), out);
        WireFields.writeString(event.page(), out);
        WireFields.writeString(event.userKey(), out);
        WireFields.writeString(event.visitorKey(), out);
        out.writeLong(event.funnelSteps());
        out.writeLong(event.timestampMillis());
        WireFields.writeBytes(event.eventJson(), out);
    }

    @Override
    public AnalyticsEvent deserialize(DataInputView in) throws IOException {
        return new AnalyticsEvent(WireFields.readString(in), WireFields.readString(in), WireFields.readString(in),
                WireFields.readString(in), WireFields.readString(in), in.readLong(), in.readLong(), WireFields.readBytes(in));
    }

    @Override
    public TypeSerializerSnapshot<AnalyticsEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AnalyticsEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@link AnalyticsEvent}'s {@code @TypeInfo}. */
    public static final class Factory extends TypeInfoFactory<AnalyticsEvent> {
        @Override
        public TypeInformation<AnalyticsEvent> createTypeInfo(Type type, Map<String, TypeInformation<?>> generics) {
            return new WireTypeInfo<>(AnalyticsEvent.class, INSTANCE);
        }
    }
}
