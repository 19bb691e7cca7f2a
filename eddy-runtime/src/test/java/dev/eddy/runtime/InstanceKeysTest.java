package dev.eddy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void generatedKeysAreKeptForTheNextStartReadableByTheOwnerOnly() throws Exception {
        InstanceKeys first = InstanceKeys.resolve(List.of(), List.of(), dataDir);
        InstanceKeys second = InstanceKeys.resolve(List.of(), List.of(), dataDir);

        assertThat(second).isEqualTo(first);
        assertThat(first.writeKeys()).singleElement().asString().matches("wk_[0-9a-f]{32}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("keys.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aKeysFileOfAnEarlierVersionIsNarrowedToItsOwner() throws Exception {
        Path keys = Files.writeString(dataDir.resolve("keys.json"), "{\"writeKey\":\"wk_1\",\"readKey\":\"rk_1\"}");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));

        InstanceKeys resolved = InstanceKeys.resolve(List.of(), List.of(), dataDir);

        assertThat(resolved.writeKeys()).containsExactly("wk_1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
    }

    @Test
    void theInstanceFileIsReadableByTheOwnerOnly() throws Exception {
        new InstanceFile(1, "http://127.0.0.1:1", 1, "127.0.0.1:2", 2, "http://127.0.0.1:3", 3, dataDir.toString(),
                List.of("wk"), List.of("rk")).write(dataDir);

        assertThat(InstanceFile.read(dataDir).writeKeys()).containsExactly("wk");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(InstanceFile.path(dataDir))))
                .isEqualTo("rw-------");
    }
}
