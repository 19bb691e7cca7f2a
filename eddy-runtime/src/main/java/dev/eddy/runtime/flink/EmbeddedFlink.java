package dev.eddy.runtime.flink;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.util.FileUtils;

/**
 * A Flink MiniCluster inside Eddy's JVM: one TaskManager, the web UI on the REST port. Jobs are
 * submitted to it over REST like to any cluster, so the same submission code serves a remote
 * cluster.
 */
public final class EmbeddedFlink implements AutoCloseable {
    private final Path dir;
    private final int requestedPort;
    private final int slots;
    private MiniCluster cluster;
    private int restPort;

    /**
     * @param dir   {@code <data-dir>/flink}: its {@code tmp} is Flink's scratch space, emptied at start
     *              (a killed MiniCluster leaves its folders behind)
     * @param port  REST and web UI port, 0 for a free one
     * @param slots task slots of the one TaskManager
     */
    public EmbeddedFlink(Path dir, int port, int slots) {
        this.dir = dir;
        this.requestedPort = port;
        this.slots = slots;
    }

    public EmbeddedFlink start() throws Exception {
        Path tmp = dir.resolve("tmp");
        FileUtils.deleteDirectory(tmp.toFile());
        Files.createDirectories(tmp);
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, Integer.toString(requestedPort));
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, tmp.resolve("blobs").toString());
        conf.set(WebOptions.TMP_DIR, tmp.resolve("web").toString());
        conf.set(WebOptions.UPLOAD_DIR, tmp.resolve("web-upload").toString());
        // RocksDB takes its memory from Flink's managed memory: keep the whole process near 1 GB
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
        // allocated whole at start (resident: 40 MB less at 32 than at 64 MB); a job of a few
        // operators at parallelism 2 needs far fewer than these 1,024 buffers of 32 KB
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(32));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(32));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        restPort = cluster.getRestAddress().get().getPort();
        return this;
    }

    public int restPort() {
        return restPort;
    }

    public String url() {
        return "http://127.0.0.1:" + restPort;
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
