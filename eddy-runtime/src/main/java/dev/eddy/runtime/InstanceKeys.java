package dev.eddy.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The write and read keys of an instance. Configured keys win; with none configured, Eddy makes
 * a write key and a read key once and keeps them in {@code <data-dir>/keys.json}, readable by
 * its owner only, so a restart keeps working with the same clients.
 */
public record InstanceKeys(List<String> writeKeys, List<String> readKeys, boolean generated) {
    private static final ObjectMapper JSON = EventJson.MAPPER;

    public static InstanceKeys resolve(List<String> writeKeys, List<String> readKeys, Path dataDir) {
        if (!writeKeys.isEmpty() && !readKeys.isEmpty()) return new InstanceKeys(writeKeys, readKeys, false);
        Path file = dataDir.resolve("keys.json");
        try {
            Stored stored;
            if (Files.exists(file)) {
                OwnerOnlyFile.restrict(file);
                stored = JSON.readValue(file.toFile(), Stored.class);
            } else {
                stored = new Stored(newKey("wk_"), newKey("rk_"));
                Files.createDirectories(dataDir);
                OwnerOnlyFile.create(file);
                JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), stored);
            }
            return new InstanceKeys(
                    writeKeys.isEmpty() ? List.of(stored.writeKey()) : writeKeys,
                    readKeys.isEmpty() ? List.of(stored.readKey()) : readKeys,
                    true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private record Stored(String writeKey, String readKey) {}

    private static String newKey(String prefix) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
