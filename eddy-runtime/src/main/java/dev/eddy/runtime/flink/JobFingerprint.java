package dev.eddy.runtime.flink;

import dev.eddy.model.config.EddyConfig;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.store.DatabaseAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What a run of the analytics job was made of: Eddy's classes in it and the settings that shape
 * it. A starting Eddy attaches only to a run of its own fingerprint; a run of another build or
 * configuration would go on unnoticed, the changes ignored. The classes are hashed, not the jars,
 * whose bytes change with every build.
 */
final class JobFingerprint {
    /** The run's global job parameter that holds it. */
    static final String PARAMETER = "eddy.fingerprint";

    private JobFingerprint() {}

    /** @param eddyJars the jars of Eddy's own classes the job uses */
    static String of(List<Path> eddyJars, String bootstrap, DatabaseAddress views, EddyConfig config) throws IOException {
        MessageDigest sha = sha256();
        for (Path jar : eddyJars) addClasses(sha, jar);
        EddyConfig.Stream stream = config.stream();
        String settings = String.join("\n", bootstrap, views.url(), views.user(), stream.outOfOrderness().toString(),
                stream.idleness().toString(), stream.allowedLateness().toString(), stream.dedupWindow().toString(),
                stream.sessionGap().toString(), Long.toHexString(Funnels.of(config.funnels()).id()),
                config.ingest().maxFutureSkew().toString(), Integer.toString(config.flink().parallelism()),
                config.flink().checkpointInterval().toString(), config.alerts().toString());
        sha.update(settings.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static void addClasses(MessageDigest sha, Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<JarEntry> classes = file.stream().filter(e -> e.getName().endsWith(".class"))
                    .sorted(Comparator.comparing(JarEntry::getName)).toList();
            for (JarEntry entry : classes) {
                sha.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = file.getInputStream(entry)) {
                    sha.update(in.readAllBytes());
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
