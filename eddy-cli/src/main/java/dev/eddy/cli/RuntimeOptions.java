package dev.eddy.cli;

import dev.eddy.model.config.ConfigLoader;
import dev.eddy.model.config.EddyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of {@code run} and {@code demo}: a contract scripts and tests rely on. Flags win
 * over {@code EDDY_…} environment variables, which win over the YAML file.
 */
final class RuntimeOptions {
    @Option(names = "--port", description = "HTTP port for ingest, query API and health (0 = a free port; default 8080)")
    Integer port;

    @Option(names = "--kafka-port", description = "Port of the embedded Kafka broker (0 = a free port; default 9092)")
    Integer kafkaPort;

    @Option(names = "--flink-port", description = "Port of the embedded Flink MiniCluster's web UI and REST API (0 = a free port; default 8081; unused when flink.jobmanager names a cluster)")
    Integer flinkPort;

    @Option(names = "--data-dir", description = "Where Kafka's log, Flink's checkpoints (unless flink.checkpoints), the views and eddy.json live (default ./eddy-data)")
    Path dataDir;

    @Option(names = "--config", description = "YAML config file (default: eddy.yaml when it exists)")
    Path config;

    @Option(names = "--write-key", description = "A write key clients send as HTTP Basic user (repeatable). With none configured, one is generated and kept in the data dir.")
    List<String> writeKeys;

    @Option(names = "--read-key", description = "A read key for the query API, sent as Authorization: Bearer (repeatable). With none configured, one is generated and kept in the data dir.")
    List<String> readKeys;

    EddyConfig load() {
        Map<String, Object> flags = new LinkedHashMap<>();
        if (port != null) flags.put("server.port", port);
        if (kafkaPort != null) flags.put("kafka.port", kafkaPort);
        if (flinkPort != null) flags.put("flink.port", flinkPort);
        if (dataDir != null) flags.put("dataDir", dataDir.toString());
        if (writeKeys != null) flags.put("server.writeKeys", writeKeys);
        if (readKeys != null) flags.put("server.readKeys", readKeys);
        return load(config, flags);
    }

    /** The config from {@code file} (else {@code ./eddy.yaml} when it exists), the environment and {@code flags}. */
    static EddyConfig load(Path file, Map<String, Object> flags) {
        Path yaml = file == null && Files.exists(Path.of("eddy.yaml")) ? Path.of("eddy.yaml") : file;
        return ConfigLoader.load(yaml, System.getenv(), flags);
    }
}
