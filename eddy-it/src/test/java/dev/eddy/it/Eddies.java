package dev.eddy.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.model.config.Durations;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.runtime.process.EddyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.FileUtils;

/**
 * How the end-to-end tests launch {@code eddy run}: with the launcher's heap limits, the tests'
 * session gap and funnels, a generous ready timeout for a busy 2-core machine, and a data dir under
 * {@code target/} so the child's log ({@code target/eddy-it/<test>/eddy.log}) survives a failure
 * for inspection.
 */
final class Eddies {
    /** As the {@code eddy} launcher script: Kafka and Flink in one JVM fit in 1 GB of heap. */
    static final List<String> JVM_ARGS = List.of("-Xms256m", "-Xmx1g", "-XX:MaxDirectMemorySize=512m");
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Eddies() {}

    /** An empty {@code target/eddy-it/<test>/eddy}, whatever an earlier run left there. */
    static Path freshDataDir(Class<?> test) {
        Path dir = Path.of("target", "eddy-it", test.getSimpleName()).toAbsolutePath();
        try {
            FileUtils.deleteDirectory(dir.toFile());
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
        return dir.resolve("eddy");
    }

    /** Starts {@code eddy run} on {@code dataDir}, a new one or one a previous process left. */
    static EddyProcess start(Path dataDir, Map<String, String> env) throws IOException, InterruptedException {
        return start(dataDir, env, List.of());
    }

    /**
     * With the tests' session gap ({@link Traffic#SESSION_GAP}) unless {@code env} sets one, and
     * their funnels ({@link Traffic#FUNNELS}) from a config file of their own ({@link #config})
     * unless {@code args} name one: a test's own file is written by {@link #config} too.
     */
    static EddyProcess start(Path dataDir, Map<String, String> env, List<String> args) throws IOException, InterruptedException {
        Map<String, String> withGap = new HashMap<>(env);
        withGap.putIfAbsent("EDDY_STREAM_SESSION_GAP", Durations.format(Traffic.SESSION_GAP));
        List<String> withConfig = new ArrayList<>(args);
        if (!args.contains("--config")) withConfig.addAll(List.of("--config", config(dataDir, "").toString()));
        return EddyProcess.start(dataDir, JVM_ARGS, withGap, withConfig, READY_TIMEOUT);
    }

    /**
     * Writes {@code <dataDir>/../eddy.yaml}: {@code yaml} and the tests' funnels. Funnels are
     * declared in a file only: the environment can override a declared one but not add one.
     */
    static Path config(Path dataDir, String yaml) throws IOException {
        StringBuilder text = new StringBuilder(yaml).append("funnels:\n");
        for (Funnel funnel : Traffic.FUNNELS.list()) {
            // a JSON list is a YAML flow sequence: the steps quoted, whatever their names hold
            List<String> steps = funnel.steps().stream().map(Object::toString).toList();
            text.append("  ").append(funnel.name()).append(": ").append(JSON.writeValueAsString(steps)).append('\n');
        }
        Path file = dataDir.resolveSibling("eddy.yaml");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
