package dev.eddy.runtime.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.model.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.util.ExceptionUtils;

/**
 * The analytics job's runs on a Flink session cluster. Each run has a new id (a session cluster
 * takes no job of an id it has seen end), beginning with Eddy's mark and a hash of the
 * checkpoints folder: deployments sharing a cluster, each with its own folder, never take each
 * other's runs or checkpoint folders for their own.
 */
final class ClusterRuns {
    private static final String MARK = "edd1a7a1";
    /** How long the cluster may take to answer, and a run being cancelled to end. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RestClusterClient<StandaloneClusterId> cluster;
    private final URI jobManager;
    private final String idPrefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ClusterRuns(RestClusterClient<StandaloneClusterId> cluster, URI jobManager, Path checkpoints) {
        this.cluster = cluster;
        this.jobManager = jobManager;
        this.idPrefix = idPrefix(checkpoints);
    }

    /** Eddy's mark and 8 hex digits of the SHA-256 of the folder's absolute path: 16 digits, a JobID's lower half. */
    static String idPrefix(Path checkpoints) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(checkpoints.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return MARK + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    String idPrefix() {
        return idPrefix;
    }

    JobID newId() {
        return new JobID(Long.parseUnsignedLong(idPrefix, 16), new SecureRandom().nextLong());
    }

    /** @throws ConfigException when the cluster runs another Flink version than this process's client */
    void requireSameFlinkVersion() throws InterruptedException {
        String theirs = get("/config").path("flink-version").asText();
        String ours = EnvironmentInformation.getVersion();
        if (!majorMinor(theirs).equals(majorMinor(ours))) {
            throw new ConfigException("flink.jobmanager: the Flink cluster at " + jobManager + " runs Flink " + theirs
                    + "; Eddy's analytics job needs Flink " + majorMinor(ours) + ".x");
        }
    }

    /**
     * The runs the cluster has not ended (running, restarting…), once any being cancelled or
     * failing has ended (attached to, it would be gone at once) and any just submitted has
     * started (till then the cluster shows none of its configuration, so no fingerprint).
     */
    List<JobStatusMessage> live() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<JobStatusMessage> live = list().stream().filter(job -> !job.getJobState().isGloballyTerminalState()).toList();
            boolean settling = live.stream().anyMatch(job -> job.getJobState() == JobStatus.CANCELLING
                    || job.getJobState() == JobStatus.FAILING || job.getJobState() == JobStatus.INITIALIZING);
            if (!settling) return live;
            if (System.nanoTime() > deadline) {
                throw new ConfigException("flink.jobmanager: the analytics job on the Flink cluster at " + jobManager
                        + " has not started or ended in " + TIMEOUT.toSeconds() + " s: " + describe(live));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Task slots no job uses now: a run needs one per parallel instance, and waits for them otherwise. */
    int freeSlots() throws InterruptedException {
        return get("/overview").path("slots-available").asInt();
    }

    /** The value a run was submitted with under {@code key} in its global job parameters, empty when none. */
    String jobParameter(JobID run, String key) throws InterruptedException {
        return get("/jobs/" + run + "/config").path("execution-config").path("user-config").path(key).asText("");
    }

    static String describe(List<JobStatusMessage> runs) {
        return runs.stream().map(job -> job.getJobId() + " " + job.getJobState()).toList().toString();
    }

    private List<JobStatusMessage> list() throws InterruptedException {
        try {
            return cluster.listJobs().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(job -> job.getJobId().toHexString().startsWith(idPrefix))
                    .toList();
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(ExceptionUtils.stripExecutionException(e));
        }
    }

    private JsonNode get(String path) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(jobManager.resolve(path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ConfigException("flink.jobmanager: GET " + path + " on the Flink cluster at " + jobManager
                        + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private ConfigException unreachable(Throwable cause) {
        return new ConfigException("flink.jobmanager: no answer from a Flink cluster at " + jobManager + " (" + cause + ")");
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
}
