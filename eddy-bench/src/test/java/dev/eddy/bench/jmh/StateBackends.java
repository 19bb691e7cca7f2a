package dev.eddy.bench.jmh;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/** The state backends an operator benchmark runs on: Eddy's (RocksDB) and the heap one, for contrast. */
final class StateBackends {
    private StateBackends() {}

    static StateBackend named(String name) {
        return switch (name) {
            case "rocksdb" -> new EmbeddedRocksDBStateBackend();
            case "hashmap" -> new HashMapStateBackend();
            default -> throw new IllegalArgumentException("unknown state backend " + name);
        };
    }
}
