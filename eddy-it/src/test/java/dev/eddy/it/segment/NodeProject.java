package dev.eddy.it.segment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A committed npm project (package.json, package-lock.json, scripts) installed with {@code npm ci}
 * into a working directory under {@code target/}, so the sources stay untouched and the test runs
 * exactly the locked dependency tree. Node.js and npm are required: a machine without them fails
 * the test with a message saying so, it never skips it.
 */
final class NodeProject {
    /** What analytics-node 3.x declares in its {@code engines}. */
    static final int MIN_NODE_MAJOR = 20;

    /** The exit code and output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    /**
     * Copies the regular files of {@code source} (not its node_modules) into {@code workDir} and
     * runs {@code npm ci} there.
     */
    static NodeProject install(Path source, Path workDir, Duration timeout) throws IOException, InterruptedException {
        requireNode();
        Files.createDirectories(workDir);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, workDir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        NodeProject project = new NodeProject(workDir);
        // no install scripts: nothing in the locked tree needs one, and none should run unasked
        Result ci = project.run(timeout, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
        if (ci.exitCode() != 0) {
            throw new IllegalStateException("npm ci failed in " + workDir + ": " + ci.describe());
        }
        return project;
    }

    /** Runs {@code node ARGS} in the project directory; kills it after {@code timeout}. */
    Result node(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(List.of(args));
        return run(timeout, command.toArray(String[]::new));
    }

    private Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        String name = command[0] + "-" + (command.length > 1 ? command[1].replaceAll("[^A-Za-z0-9.]", "_") : "");
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        // output to files, not pipes: a chatty process never blocks on a full pipe
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                    + "\n--- stdout\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + "\n--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void requireNode() throws InterruptedException {
        String help = "SegmentNodeClientIT needs Node.js >= " + MIN_NODE_MAJOR + " and npm on the PATH "
                + "(e.g. apt-get install nodejs npm, or https://nodejs.org)";
        String version;
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            node.waitFor();
            Process npm = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
            npm.getInputStream().readAllBytes();
            if (npm.waitFor() != 0) throw new IllegalStateException(help + ": `npm --version` failed");
        } catch (IOException missing) {
            throw new IllegalStateException(help + ": " + missing.getMessage(), missing);
        }
        Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
        if (!major.find() || Integer.parseInt(major.group(1)) < MIN_NODE_MAJOR) {
            throw new IllegalStateException(help + ": found node " + version);
        }
    }
}
