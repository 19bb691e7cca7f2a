package dev.eddy.bench.eddy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * When a Flink job started running, from the cluster's REST API. The catch-up figures of the
 * full job (in Eddy's process) and of the bare job (in the bench's) are both timed from there,
 * so they include the same start-up work of the tasks.
 */
public final class FlinkJobs {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FlinkJobs() {}

    /** The id of the one running job: an Eddy runs just its analytics job. */
    public static String onlyRunningJob(String flinkUrl) throws IOException, InterruptedException {
        String running = null;
        for (JsonNode job : get(flinkUrl + "/jobs/overview").path("jobs")) {
            if (!"RUNNING".equals(job.path("state").asText())) continue;
            if (running != null) throw new IOException("more than one job running at " + flinkUrl);
            running = job.path("jid").asText();
        }
        if (running == null) throw new IOException("no job running at " + flinkUrl);
        return running;
    }

    /** When the job switched to RUNNING. */
    public static Instant runningSince(String flinkUrl, String jobId) throws IOException, InterruptedException {
        JsonNode running = get(flinkUrl + "/jobs/" + jobId).path("timestamps").path("RUNNING");
        if (!running.isNumber() || running.asLong() <= 0) throw new IOException("job " + jobId + " has not run yet");
        return Instant.ofEpochMilli(running.asLong());
    }

    private static JsonNode get(String uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) throw new IOException("GET " + uri + " answered " + response.statusCode());
        return EventJson.MAPPER.readTree(response.body());
    }
}
