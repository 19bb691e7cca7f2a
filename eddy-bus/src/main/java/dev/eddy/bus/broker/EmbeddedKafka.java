package dev.eddy.bus.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker (roles broker and controller) inside this JVM.
 *
 * <p>The log directory is formatted once, when it holds no {@code meta.properties}; a later
 * start on the same directory keeps every topic and record. Port 0 picks free ports for the
 * client and the controller listener; {@link #bootstrapServers()} tells the one chosen.
 * Both listeners bind to the loopback address only: the embedded broker serves this machine.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Above the 10 minutes the exactly-once Flink sink asks for. */
    private static final Duration TRANSACTION_MAX_TIMEOUT = Duration.ofMinutes(15);

    private final Path logDir;
    private final int requestedPort;
    private KafkaRaftServer server;
    private int port;

    /**
     * @param logDir the broker's data, e.g. {@code <data-dir>/kafka}; created when missing
     * @param port the client port, or 0 for a free one
     */
    public EmbeddedKafka(Path logDir, int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        this.logDir = Objects.requireNonNull(logDir, "logDir").toAbsolutePath();
        this.requestedPort = port;
    }

    /**
     * Formats the log directory if needed, starts the broker and returns once it answers a
     * describeCluster request.
     *
     * @throws IllegalStateException when already started or the broker does not answer in time
     */
    public synchronized EmbeddedKafka start() {
        if (server != null) throw new IllegalStateException("already started on " + bootstrapServers());
        int clientPort = requestedPort == 0 ? freePort() : requestedPort;
        int controllerPort = freePort();
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(clientPort, controllerPort), false);
        formatOnce(config);
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        server = started;
        port = clientPort;
        try {
            started.startup();
            awaitAnswer();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** The address clients connect to, e.g. {@code 127.0.0.1:9092}. */
    public synchronized String bootstrapServers() {
        if (server == null) throw new IllegalStateException("not started");
        return HOST + ":" + port;
    }

    /** The client port in use; valid once started. */
    public synchronized int port() {
        if (server == null) throw new IllegalStateException("not started");
        return port;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker and waits for it to finish; does nothing when not running. */
    @Override
    public synchronized void close() {
        if (server == null) return;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
    }

    private Properties brokerProperties(int clientPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // one node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("transaction.max.timeout.ms", String.valueOf(TRANSACTION_MAX_TIMEOUT.toMillis()));
        // Eddy creates its topics explicitly; a typo must not create a new one
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a small machine shares its cores with Flink and the HTTP server
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "2");
        // the log cleaner's key map, allocated whole on the heap at start: Kafka's 128 MiB is a
        // ninth of Eddy's resident memory, for compacting two internal topics (consumer offsets,
        // transaction states) whose keys are a few hundred groups' partitions and transactional
        // ids; 16 MiB holds some 600,000 keys, and a fuller map only cleans in more passes
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    private void formatOnce(KafkaConfig config) {
        if (Files.exists(logDir.resolve("meta.properties"))) return;
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir, e);
        }
    }

    private void awaitAnswer() {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) START_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(conf)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) START_TIMEOUT.toMillis()))
                    .nodes().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker on " + HOST + ":" + port + " did not answer within " + START_TIMEOUT, e);
        }
    }

    /** Binds an ephemeral port and releases it: the broker binds it right after. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }
}
