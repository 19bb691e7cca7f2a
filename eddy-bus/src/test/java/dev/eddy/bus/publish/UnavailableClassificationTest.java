package dev.eddy.bus.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class UnavailableClassificationTest {

    @Test
    void brokerUnreachableOrShortOfReplicasIsUnavailable() {
        assertThat(EventPublisher.isUnavailable(new TimeoutException("Expiring 1 record(s)"))).isTrue();
        assertThat(EventPublisher.isUnavailable(new NetworkException("disconnected"))).isTrue();
        assertThat(EventPublisher.isUnavailable(new NotEnoughReplicasException("isr 0"))).isTrue();
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        assertThat(EventPublisher.isUnavailable(new CompletionException(new TimeoutException("t")))).isTrue();
        assertThat(EventPublisher.isUnavailable(new ExecutionException(new KafkaException(new NetworkException("n"))))).isTrue();
    }

    @Test
    void badRecordsAndBugsAreNotUnavailable() {
        assertThat(EventPublisher.isUnavailable(new RecordTooLargeException("too large"))).isFalse();
        assertThat(EventPublisher.isUnavailable(new SerializationException("bad"))).isFalse();
        assertThat(EventPublisher.isUnavailable(new CompletionException(new IllegalStateException("bug")))).isFalse();
        assertThat(EventPublisher.isUnavailable(null)).isFalse();
    }
}
