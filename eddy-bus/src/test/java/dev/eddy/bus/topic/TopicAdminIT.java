package dev.eddy.bus.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicAdminIT {

    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void createsMissingTopicsOnceAndKeepsExistingOnes() throws Exception {
        TopicPlan plan = new TopicPlan(5, Duration.ofDays(3));
        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
            assertThat(admin.ensureTopics(plan)).containsExactlyElementsOf(Topics.ALL);
            // a second run, even with another plan, changes nothing
            assertThat(admin.ensureTopics(new TopicPlan(8, Duration.ofDays(9)))).isEmpty();
            assertThat(admin.partitionCounts(Topics.ALL)).isEqualTo(
                    Map.of(Topics.EVENTS, 5, Topics.INVALID, 1, Topics.LATE, 5, Topics.ALERTS, 1));
            // ... but says where the topics differ from it
            assertThat(admin.driftFrom(plan)).isEmpty();
            assertThat(admin.driftFrom(new TopicPlan(8, Duration.ofDays(9)))).containsExactly(
                    "eddy.events has 5 partitions, the plan 8",
                    "eddy.events keeps records 3d, the plan 9d",
                    "eddy.events.invalid keeps records 3d, the plan 9d",
                    "eddy.events.late has 5 partitions, the plan 8",
                    "eddy.events.late keeps records 3d, the plan 9d",
                    "eddy.alerts keeps records 3d, the plan 9d");

            String dlt = Topics.handlerDeadLetter("webhook");
            assertThat(admin.ensureTopic(plan, dlt)).isTrue();
            assertThat(admin.ensureTopic(plan, dlt)).isFalse();
            assertThat(admin.partitionCounts(List.of(dlt))).isEqualTo(Map.of(dlt, 1));
        }
        assertThat(retentionMs(Topics.ALL)).isEqualTo(Topics.ALL.stream()
                .collect(Collectors.toMap(t -> t, t -> String.valueOf(Duration.ofDays(3).toMillis()))));
    }

    private static Map<String, String> retentionMs(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<ConfigResource> resources = topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            return configs.entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().name(), e -> e.getValue().get("retention.ms").value()));
        }
    }
}
