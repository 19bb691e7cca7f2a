package dev.eddy.stream.wire;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer of an immutable record that only crosses the network: never kept in state, nor in a
 * checkpoint, as Eddy's checkpoints are aligned (only unaligned ones store the records in flight), so
 * its format may change from one version of Eddy to the next. Copies are the record itself.
 */
public abstract class ImmutableRecordSerializer<T> extends TypeSerializerSingleton<T> {

    @Override
    public final boolean isImmutableType() {
        return true;
    }

    /** A record has no empty instance to fill; Flink's stream tasks never ask for one. */
    @Override
    public final T createInstance() {
        return null;
    }

    @Override
    public final T copy(T from) {
        return from;
    }

    @Override
    public final T copy(T from, T reuse) {
        return from;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }
}
