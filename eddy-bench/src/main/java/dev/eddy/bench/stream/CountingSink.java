package dev.eddy.bench.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The bare job's only work after the source: counting. The job runs on a MiniCluster inside the
 * bench's JVM, so the count is a JVM-wide tally the bench reads directly, the moment it moves.
 */
final class CountingSink<T> implements Sink<T> {
    private static final Map<String, LongAdder> TALLIES = new ConcurrentHashMap<>();

    private final String tally;

    CountingSink(String tally) {
        this.tally = tally;
    }

    static long count(String tally) {
        LongAdder adder = TALLIES.get(tally);
        return adder == null ? 0 : adder.sum();
    }

    static void forget(String tally) {
        TALLIES.remove(tally);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        LongAdder adder = TALLIES.computeIfAbsent(tally, t -> new LongAdder());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                adder.increment();
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
