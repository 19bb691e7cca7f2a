package dev.eddy.runtime;

import dev.eddy.model.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code <data-dir>/eddy.json}: the running instance's actual ports, URLs and keys, written once
 * it is ready, so scripts and tests can find it. Written to a temporary file and moved into
 * place so a reader never sees half of it; removed at start (a crashed instance's would point
 * scripts at its dead ports) and on a clean stop. Readable by its owner only: it holds the keys.
 */
public record InstanceFile(long pid, String url, int httpPort, String kafkaBootstrap, int kafkaPort,
                           String flinkUrl, int flinkPort, String dataDir,
                           List<String> writeKeys, List<String> readKeys) {

    public static Path path(Path dataDir) {
        return dataDir.resolve("eddy.json");
    }

    public static InstanceFile read(Path dataDir) throws IOException {
        return EventJson.MAPPER.readValue(path(dataDir).toFile(), InstanceFile.class);
    }

    void write(Path dataDir) {
        Path target = path(dataDir);
        Path tmp = dataDir.resolve("eddy.json.tmp");
        try {
            Files.deleteIfExists(tmp);
            OwnerOnlyFile.create(tmp);
            EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
