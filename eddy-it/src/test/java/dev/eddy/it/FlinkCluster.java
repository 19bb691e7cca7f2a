package dev.eddy.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real standalone Flink session cluster, as users run one: a JobManager and a TaskManager, each
 * its own JVM, started the way Flink's {@code jobmanager.sh} / {@code taskmanager.sh} start them
 * (the same entrypoint classes, the memory and CPU settings those scripts derive from the config,
 * the Java 17 {@code --add-opens} flags of the distribution's {@code config.yaml}).
 *
 * <p>Its classpath holds only what a Flink distribution holds (Flink's own jars, minus connectors,
 * plus the libraries {@code flink-dist} bundles and logging): none of Eddy's classes, no
 * connectors, no Kafka client. So a job runs on it only if its submission ships the job's jars,
 * which is what a test submitting to it over REST from another process proves.
 *
 * <p>Config, logs ({@code jobmanager.log}, {@code taskmanager.log}, INFO) and temporary files live
 * under the directory given to {@link #start}; ports are free ones.
 */
final class FlinkCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String HOST = "127.0.0.1";
    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** {@code env.java.opts.all} of Flink 2's distributed {@code config.yaml}: required on Java 17. */
    private static final List<String> JAVA_17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Jar names of the test classpath that a Flink distribution also has (in {@code lib/} or inside
     * {@code flink-dist}); connectors ship with jobs, so they are left out.
     */
    private static final Pattern DISTRIBUTION_JAR = Pattern.compile(
            "(flink-(?!connector-|test-utils).*"
                    + "|frocksdbjni.*|kryo.*|minlog.*|objenesis.*|reflectasm.*|commons-.*|log4j-.*|slf4j-.*"
                    + "|snakeyaml-engine.*|zstd-jni.*|lz4.*|snappy.*|jsr305.*|chill.*)\\.jar");

    /** Packages of what the analytics job ships (Eddy, the Kafka connector and client, Jackson, Guava, the drivers). */
    private static final List<String> JOB_PACKAGES = List.of("dev/eddy/", "org/apache/flink/connector/kafka/",
            "org/apache/kafka/clients/", "com/fasterxml/jackson/databind/", "com/google/common/hash/", "org/postgresql/");

    /** As Flink's {@code conf/log4j-console.properties}: INFO to stdout, which goes to the log file. */
    private static final String LOG4J_CONFIG = """
            rootLogger.level = INFO
            rootLogger.appenderRef.console.ref = ConsoleAppender
            logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
            logger.netty.level = OFF
            appender.console.name = ConsoleAppender
            appender.console.type = CONSOLE
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            """;

    private final Process jobManager;
    private final Process taskManager;
    private final Path jobManagerLog;
    private final Path taskManagerLog;
    private final int restPort;
    private final Thread onExit = new Thread(this::stopBoth, "flink-cluster-stop");

    private FlinkCluster(Process jobManager, Process taskManager, Path jobManagerLog, Path taskManagerLog, int restPort) {
        this.jobManager = jobManager;
        this.taskManager = taskManager;
        this.jobManagerLog = jobManagerLog;
        this.taskManagerLog = taskManagerLog;
        this.restPort = restPort;
    }

    /**
     * Starts a JobManager and a TaskManager with {@code slots} slots in {@code dir} (config, logs
     * and temporary files under it) on free ports; returns once the TaskManager's slots are
     * registered with the JobManager, or throws with the tail of both logs after 90 s.
     */
    static FlinkCluster start(Path dir, int slots) throws Exception {
        dir = dir.toAbsolutePath();
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        int rpcPort = freePort();
        int restPort = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", HOST);
        config.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        config.put("jobmanager.bind-host", HOST);
        // the scripts' derivation leaves a 600m JobManager 24 MB of heap, already 90 % full when idle;
        // 1g leaves it 448 MB (metaspace 256m, off-heap 128m and overhead 192m come off first)
        config.put("jobmanager.memory.process.size", "1g");
        config.put("jobmanager.execution.failover-strategy", "region");
        config.put("taskmanager.bind-host", HOST);
        config.put("taskmanager.host", HOST);
        config.put("taskmanager.rpc.port", "0");
        config.put("taskmanager.data.port", "0");
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        config.put("taskmanager.memory.process.size", "1g");
        config.put("parallelism.default", "1");
        config.put("rest.address", HOST);
        config.put("rest.bind-address", HOST);
        config.put("rest.port", Integer.toString(restPort));
        config.put("blob.server.port", "0");
        // the TaskManager starts faster than the ResourceManager; retry after 1 s rather than the default 10 s
        config.put("cluster.registration.error-delay", "1 s");
        config.put("io.tmp.dirs", tmp.toString());
        config.put("web.tmpdir", Files.createDirectories(dir.resolve("web-tmp")).toString());
        config.put("web.upload.dir", Files.createDirectories(dir.resolve("web-upload")).toString());
        StringBuilder yaml = new StringBuilder();
        config.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        Path log4j = Files.writeString(confDir.resolve("log4j-console.properties"), LOG4J_CONFIG);

        // what jobmanager.sh and taskmanager.sh derive with BashJavaUtils before starting the JVMs
        Configuration flinkConfig = GlobalConfiguration.loadConfiguration(confDir.toString());
        JobManagerProcessSpec jmSpec = JobManagerProcessUtils.processSpecFromConfig(flinkConfig);
        TaskExecutorProcessSpec tmSpec = TaskExecutorProcessUtils.processSpecFromConfig(flinkConfig);

        String classpath = distributionClasspath();
        List<String> jvm = new ArrayList<>(JAVA_17_OPTS);
        jvm.addAll(List.of("-Dlog4j.configurationFile=" + log4j.toUri(), "-Djava.io.tmpdir=" + tmp));
        Path jobManagerLog = dir.resolve("jobmanager.log");
        Path taskManagerLog = dir.resolve("taskmanager.log");
        Process jobManager = null;
        Process taskManager = null;
        try {
            jobManager = launch(jvm, JobManagerProcessUtils.generateJvmParametersStr(jmSpec, flinkConfig), classpath,
                    JOB_MANAGER_MAIN, confDir, JobManagerProcessUtils.generateDynamicConfigsStr(jmSpec), jobManagerLog);
            taskManager = launch(jvm, ProcessMemoryUtils.generateJvmParametersStr(tmSpec), classpath,
                    TASK_MANAGER_MAIN, confDir, TaskExecutorProcessUtils.generateDynamicConfigsStr(tmSpec), taskManagerLog);
            FlinkCluster cluster = new FlinkCluster(jobManager, taskManager, jobManagerLog, taskManagerLog, restPort);
            // two JVMs of 1 GB each must not outlive a test JVM that dies before its @AfterAll
            Runtime.getRuntime().addShutdownHook(cluster.onExit);
            cluster.awaitSlots(slots);
            return cluster;
        } catch (Exception | Error e) {
            stop(taskManager);
            stop(jobManager);
            throw e;
        }
    }

    String restUrl() {
        return "http://" + HOST + ":" + restPort;
    }

    int restPort() {
        return restPort;
    }

    /** {@code host:port} of the JobManager's REST endpoint, as a Flink client's {@code -m} wants it. */
    String jobManagerAddress() {
        return HOST + ":" + restPort;
    }

    /** The test classpath's entries a Flink distribution also has; directories and test jars left out. */
    private static String distributionClasspath() {
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> {
                    Path path = Path.of(entry);
                    String name = path.getFileName() == null ? "" : path.getFileName().toString();
                    return Files.isRegularFile(path) && DISTRIBUTION_JAR.matcher(name).matches() && !name.endsWith("-tests.jar");
                })
                .toList();
        if (jars.stream().noneMatch(jar -> Path.of(jar).getFileName().toString().startsWith("flink-runtime-"))) {
            throw new IllegalStateException("no flink-runtime jar on the test classpath: " + System.getProperty("java.class.path"));
        }
        for (String jar : jars) requireNoneOfTheJobs(jar);
        return String.join(File.pathSeparator, jars);
    }

    /** The names above are a guess at contents: checked, so that the cluster surely lacks what the job ships. */
    private static void requireNoneOfTheJobs(String jar) {
        try (JarFile file = new JarFile(jar)) {
            file.stream().map(JarEntry::getName).filter(name -> JOB_PACKAGES.stream().anyMatch(name::startsWith)).findFirst()
                    .ifPresent(name -> {
                        throw new IllegalStateException(jar + " holds " + name + ", which the job must bring itself");
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static Process launch(List<String> jvm, String memoryFlags, String classpath, String mainClass, Path confDir,
                                  String dynamicConfigs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add("-Dlog.file=" + log); // what Flink's scripts set: the REST API serves the log from there
        command.addAll(words(memoryFlags));
        command.addAll(List.of("-cp", classpath, mainClass, "--configDir", confDir.toString()));
        command.addAll(words(dynamicConfigs)); // "-D k=v -D k=v ..."
        Files.writeString(log, String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).directory(log.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        return builder.start();
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private void awaitSlots(int slots) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest overview = HttpRequest.newBuilder(URI.create(restUrl() + "/overview")).timeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (Process process : List.of(jobManager, taskManager)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException((process == jobManager ? "JobManager" : "TaskManager") + " exited with "
                            + process.exitValue() + " before the cluster was up\n" + logTails());
                }
            }
            try {
                HttpResponse<String> response = http.send(overview, HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200) {
                    JsonNode body = json.readTree(response.body());
                    if (body.path("slots-total").asInt(-1) == slots) return;
                }
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Flink cluster did not register " + slots + " slots within " + START_TIMEOUT
                + "; last GET /overview: " + last + "\n" + logTails());
    }

    private String logTails() {
        return "--- " + jobManagerLog + " (tail) ---\n" + tail(jobManagerLog)
                + "\n--- " + taskManagerLog + " (tail) ---\n" + tail(taskManagerLog);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to the process and its descendants; SIGKILL to whatever still runs after 10 s. */
    private static void stop(Process process) {
        if (process == null) return;
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception stillRunning) {
                // killed below
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the TaskManager, then the JobManager. */
    @Override
    public void close() {
        stopBoth();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran: nothing left to do
        }
    }

    private void stopBoth() {
        stop(taskManager);
        stop(jobManager);
    }
}
