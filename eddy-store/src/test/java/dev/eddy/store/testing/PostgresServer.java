package dev.eddy.store.testing;

import dev.eddy.store.DatabaseAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 server for tests: a fresh cluster in a temp directory under /tmp, on a
 * free loopback port, trusting local connections as user {@code postgres}. PostgreSQL refuses
 * to run as root, so as root every command runs through {@code runuser -u postgres} on a
 * directory owned by that user. Stopped by {@link #close()}, or by a shutdown hook if the JVM
 * exits first. Fails, never skips, when the server binaries are missing.
 */
public final class PostgresServer implements AutoCloseable {

    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    public static final String USER = "postgres";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int START_ATTEMPTS = 3;
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path root;
    private final Path dataDir;
    private final int port;
    private final Thread shutdownHook;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private PostgresServer(Path root, int port) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.port = port;
        this.shutdownHook = new Thread(this::stopServer, "postgres-server-stop");
    }

    /** Creates a cluster and starts it; returns once it accepts connections. */
    public static PostgresServer start() {
        for (String binary : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(BIN.resolve(binary))) {
                throw new IllegalStateException("PostgreSQL 15 is not installed: " + BIN.resolve(binary)
                        + " is missing (on Debian: apt-get install postgresql-15)");
            }
        }
        Path root = createRoot();
        run(root, "initdb", List.of("-D", root.resolve("data").toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            // the port is free when picked but may be taken before postgres binds it: try another
            PostgresServer server = new PostgresServer(root, freePort());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        deleteRecursively(root);
        throw failure;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code postgres} database, which every cluster has. */
    public String jdbcUrl() {
        return jdbcUrl(USER);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public DatabaseAddress address() {
        return new DatabaseAddress(jdbcUrl(), USER, null);
    }

    /** Creates an empty database, so each test can start from a clean schema. */
    public DatabaseAddress createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, null);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("creating database " + name + " failed", e);
        }
        return new DatabaseAddress(jdbcUrl(name), USER, null);
    }

    @Override
    public void close() {
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyShuttingDown) {
            // the hook is running or has run: nothing left to unregister
        }
    }

    private void launch() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String serverOptions = String.join(" ", "-p", String.valueOf(port), "-k", root.toString(),
                "-c", "listen_addresses=127.0.0.1",
                // test data need no durability across a machine crash; this keeps tests quick
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
        try {
            run(root, "pg_ctl", List.of("-D", dataDir.toString(), "-l", root.resolve("server.log").toString(),
                    "-w", "-t", "60", "-o", serverOptions, "start"));
        } catch (IllegalStateException e) {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + read(root.resolve("server.log")), e);
        }
    }

    private void stopServer() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            run(root, "pg_ctl", List.of("-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
        } finally {
            deleteRecursively(root);
        }
    }

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory(Path.of("/tmp"), "eddy-pg-");
            if (isRoot()) {
                UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(root, users.lookupPrincipalByName(USER));
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for PostgreSQL under /tmp", e);
        }
    }

    /** Runs a PostgreSQL binary to completion; its output goes to a file, read on failure. */
    private static void run(Path root, String binary, List<String> args) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", USER, "--"));
        }
        command.add(BIN.resolve(binary).toString());
        command.addAll(args);
        try {
            Path output = Files.createTempFile("eddy-pg-" + binary, ".out");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in "
                            + COMMAND_TIMEOUT_SECONDS + " s:\n" + read(output));
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                            + process.exitValue() + ":\n" + read(output));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
