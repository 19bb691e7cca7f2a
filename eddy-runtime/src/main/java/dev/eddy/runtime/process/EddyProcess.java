package dev.eddy.runtime.process;

import dev.eddy.runtime.InstanceFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code eddy run} as a child process on this JVM's classpath: for end-to-end tests and the
 * bench, which must see Eddy from outside (its HTTP API, its exit, its resident memory) and be
 * able to stop it with SIGTERM or kill it outright.
 */
public final class EddyProcess implements AutoCloseable {
    /** The {@code eddy} command's main class; on the classpath of every module that launches Eddy. */
    public static final String MAIN_CLASS = "dev.eddy.cli.EddyCommand";

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final long startedNanos;
    private InstanceFile instance;
    private long readyNanos;

    private EddyProcess(Process process, Path dataDir, Path log, long startedNanos) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code eddy run --data-dir DIR} plus {@code extraArgs}, on free ports for those of
     * {@code --port}, {@code --kafka-port} and {@code --flink-port} that {@code extraArgs} doesn't set, with its output in {@code DIR/../<dir name>.log}; returns once it is ready.
     *
     * @param jvmArgs e.g. {@code -Xmx1g}
     * @param env     extra environment variables (EDDY_… config)
     */
    public static EddyProcess start(Path dataDir, List<String> jvmArgs, java.util.Map<String, String> env,
                                    List<String> extraArgs, Duration readyTimeout) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Files.deleteIfExists(InstanceFile.path(dataDir));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.addAll(List.of("run", "--data-dir", dataDir.toString()));
        // free ports unless the caller fixes one (a restart test keeps its HTTP port, say)
        for (String port : List.of("--port", "--kafka-port", "--flink-port")) {
            if (!extraArgs.contains(port)) command.addAll(List.of(port, "0"));
        }
        command.addAll(extraArgs);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().putAll(env);
        EddyProcess eddy = new EddyProcess(builder.start(), dataDir, log, System.nanoTime());
        eddy.awaitReady(readyTimeout);
        return eddy;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("eddy exited with " + process.exitValue() + " before it was ready; log: " + log
                        + "\n" + tail());
            }
            if (Files.exists(InstanceFile.path(dataDir))) {
                instance = InstanceFile.read(dataDir);
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    readyNanos = System.nanoTime();
                    return;
                }
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("eddy not ready within " + timeout + "; log: " + log + "\n" + tail());
    }

    /** Ports, URLs and keys from {@code eddy.json}. */
    public InstanceFile instance() {
        return instance;
    }

    public long pid() {
        return process.pid();
    }

    /** From process start to {@code /readyz} answering 200. */
    public Duration startupTime() {
        return Duration.ofNanos(readyNanos - startedNanos);
    }

    /** Resident set size from {@code /proc/<pid>/status}, in bytes. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** SIGTERM, then waits for a clean exit; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("eddy did not stop within " + timeout + " of SIGTERM; log: " + log);
        }
        return process.exitValue();
    }

    /** SIGKILL: the process dies without any shutdown, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) stop(Duration.ofSeconds(30));
    }
}
