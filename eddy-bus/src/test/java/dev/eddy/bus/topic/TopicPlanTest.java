package dev.eddy.bus.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

    @Test
    void defaultsAreFourEventPartitionsAndSevenDays() {
        TopicPlan plan = TopicPlan.defaults();
        assertThat(plan.eventPartitions()).isEqualTo(4);
        assertThat(plan.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void everyTopicGetsItsPartitionsAndTheRetention() {
        TopicPlan plan = new TopicPlan(6, Duration.ofDays(2));
        assertThat(plan.newTopics()).extracting(NewTopic::name).containsExactlyElementsOf(Topics.ALL);
        assertThat(plan.newTopics()).extracting(NewTopic::numPartitions).containsExactly(6, 1, 6, 1);
        assertThat(plan.newTopics()).allSatisfy(t -> {
            assertThat(t.replicationFactor()).isEqualTo((short) -1);
            assertThat(t.configs()).isEqualTo(Map.of("retention.ms", "172800000"));
        });
        assertThat(plan.newTopic(Topics.handlerDeadLetter("webhook")).numPartitions()).isEqualTo(1);
    }

    @Test
    void anyPositiveRetentionIsAccepted() {
        // the config ties it to stream.dedupWindow, which may be shorter than a day
        assertThat(new TopicPlan(1, Duration.ofHours(1)).retention()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> new TopicPlan(4, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic retention must be positive, got PT0S");
    }

    @Test
    void zeroEventPartitionsAreRejected() {
        assertThatThrownBy(() -> new TopicPlan(0, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eddy.events needs at least 1 partition, got 0");
    }
}
