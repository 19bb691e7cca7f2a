package dev.eddy.bench.stream;

import dev.eddy.bus.broker.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The stream baseline in a JVM of its own, started with Eddy's flags and holding the broker and
 * the MiniCluster, as Eddy's process does. In the bench's JVM, warm from writing the pre-fill
 * through the same broker code, it counted about a tenth faster (README, Performance), which
 * lowered the stream ratio by as much.
 */
public final class BareCatchUpProcess {
    private static final String COUNTED = "counted ";
    private static final String CAUGHT_UP = "caught up ";

    private BareCatchUpProcess() {}

    /**
     * In the child: {@code <kafka log dir> <flink dir> <events>}. Tells its progress and its
     * result on standard output, one line each.
     */
    public static void main(String[] args) throws Exception {
        long events = Long.parseLong(args[2]);
        try (EmbeddedKafka broker = new EmbeddedKafka(Path.of(args[0]), 0).start()) {
            CatchUp done = BareCountJob.run(broker.bootstrapServers(), Path.of(args[1]), events,
                    counted -> System.out.println(COUNTED + counted));
            System.out.println(CAUGHT_UP + done.events() + " " + done.elapsed().toNanos());
        }
        // Kafka's and Flink's leftover threads would keep the JVM
        System.exit(0);
    }

    /**
     * Runs {@link BareCountJob} over the broker data in {@code kafkaDir} (no broker may hold it
     * meanwhile) in a child JVM with {@code jvmArgs}; the child's log goes to {@code log}.
     */
    public static CatchUp run(Path kafkaDir, Path flinkDir, long events, List<String> jvmArgs, Path log,
                              LongConsumer progress) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareCatchUpProcess.class.getName(),
                kafkaDir.toString(), flinkDir.toString(), Long.toString(events)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        // as the ./eddy launcher and EddyProcess start Eddy
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process child = builder.start();
        CatchUp result = null;
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(COUNTED)) {
                    progress.accept(Long.parseLong(line.substring(COUNTED.length())));
                } else if (line.startsWith(CAUGHT_UP)) {
                    String[] figures = line.substring(CAUGHT_UP.length()).split(" ");
                    result = new CatchUp(Long.parseLong(figures[0]), Duration.ofNanos(Long.parseLong(figures[1])));
                }
            }
        } finally {
            child.destroy();
        }
        int exit = child.waitFor();
        if (result == null || exit != 0) {
            throw new IllegalStateException("the bare job's JVM exited with " + exit + " before it caught up; its log: " + log);
        }
        return result;
    }
}
