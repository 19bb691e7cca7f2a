package dev.eddy.handlers;

import dev.eddy.handlers.retry.Backoff;
import dev.eddy.handlers.webhook.Outcome;
import dev.eddy.handlers.webhook.WebhookHeaders;
import dev.eddy.handlers.webhook.WebhookPoster;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a handler disposes of one record of its topic: passes it over when it does not take it,
 * else posts it to its URL, retrying with backoff (longer when the receiver asks with {@code
 * Retry-After}) up to its attempts, and keeps what it cannot deliver on its dead-letter topic,
 * waiting for the acknowledgement. One class for the handler ({@link HandlerRunner}) and the
 * replay of its dead letters ({@link DeadLetterReplay}), so that a replayed event is posted and
 * dead-lettered exactly as the handler does it.
 *
 * <p>Every wait (a post, a backoff, an acknowledgement) ends as soon as {@link #stop()} is called,
 * with {@link Stopping}: a stop does not wait for a slow receiver, nor for Kafka. Safe to use
 * from several threads at once (a handler's lanes): it keeps nothing of a record between calls,
 * and what it shares is safe so (the poster's {@code HttpClient}, the Kafka producer, the
 * Micrometer counters, the stop).
 */
final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** How a record's handling ended. */
    enum Result { DELIVERED, DEAD_LETTERED, PASSED_OVER }

    private final String name;
    private final Subscription subscription;
    private final WebhookPoster poster;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Producer<byte[], byte[]> deadLetters;
    private final Duration produceTimeout;
    private final Counter delivered;
    private final Counter deadLettered;
    private final Counter retried;
    /** Completed by {@link #stop()}: every wait ends on it. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /**
     * @param deadLetters the producer of dead letters; idempotent, acks=all
     * @param produceTimeout how long a dead letter may take to be acknowledged
     * @param registry where its {@code eddy.handler.events} and {@code eddy.handler.retries} counters go
     */
    Delivery(String name, EddyConfig.Handler config, Producer<byte[], byte[]> deadLetters, Duration produceTimeout,
             MeterRegistry registry) {
        this.name = name;
        this.subscription = Subscription.of(config);
        this.poster = new WebhookPoster(URI.create(config.url()), config.timeout());
        this.backoff = new Backoff(config.backoff(), config.maxBackoff());
        this.maxAttempts = config.maxAttempts();
        this.deadLetters = deadLetters;
        this.produceTimeout = produceTimeout;
        this.delivered = outcomes(registry, "delivered");
        this.deadLettered = outcomes(registry, "dead_lettered");
        this.retried = Counter.builder("eddy.handler.retries").tag("handler", name)
                .description("Posts of an event after its first, by handler").register(registry);
    }

    private Counter outcomes(MeterRegistry registry, String outcome) {
        return Counter.builder("eddy.handler.events").tag("handler", name).tag("outcome", outcome)
                .description("Events a handler took, by how their delivery ended").register(registry);
    }

    /** What the handler reads. */
    Subscription subscription() {
        return subscription;
    }

    /** The longest wait between two attempts: also the wait after trouble with Kafka. */
    Duration maxBackoff() {
        return backoff.max();
    }

    /**
     * Passes the record over (not taken by the handler), delivers it, or keeps it on the
     * dead-letter topic: at once when its value is not what the topic holds, else when it could
     * not be delivered.
     *
     * @throws Stopping when stopped meanwhile: the record is not handled
     * @throws DeadLetterUnwritable when its dead letter was not acknowledged: the record is not handled
     */
    Result handle(ConsumerRecord<byte[], byte[]> record) {
        if (!subscription.mayTake(record.headers())) return Result.PASSED_OVER; // no need to decode it
        Optional<String> idempotencyKey;
        try {
            idempotencyKey = subscription.take(record.value());
        } catch (Subscription.Unreadable e) {
            // any Kafka client may write to the topic; such a record is kept, not retried
            deadLetter(record, e.getMessage(), 0, 0);
            return Result.DEAD_LETTERED;
        }
        if (idempotencyKey.isEmpty()) return Result.PASSED_OVER;
        return deliver(record, idempotencyKey.get());
    }

    private Result deliver(ConsumerRecord<byte[], byte[]> record, String idempotencyKey) {
        Map<String, String> headers = WebhookHeaders.of(record.headers(), idempotencyKey, name);
        for (int attempt = 1; ; attempt++) {
            headers.put(WebhookHeaders.ATTEMPT, Integer.toString(attempt));
            Outcome outcome = unlessStopped(poster.post(record.value(), headers));
            switch (outcome.kind()) {
                case DELIVERED -> {
                    delivered.increment();
                    return Result.DELIVERED;
                }
                case FAILED -> {
                    deadLetter(record, outcome.reason(), attempt, outcome.status());
                    return Result.DEAD_LETTERED;
                }
                case RETRY -> {
                    if (attempt >= maxAttempts) {
                        deadLetter(record, "gave up after " + attempt + (attempt == 1 ? " attempt" : " attempts")
                                + ", the last " + outcome.reason(), attempt, outcome.status());
                        return Result.DEAD_LETTERED;
                    }
                    retried.increment();
                    LOG.debug("handler {}: attempt {} for {} {}, retrying", name, attempt, idempotencyKey, outcome.reason());
                    pause(backoff.after(attempt, outcome.retryAfter()));
                }
            }
        }
    }

    /**
     * What {@code pending} came to, or {@link Stopping} (and {@code pending} cancelled) as soon as
     * it is stopped.
     */
    private <T> T unlessStopped(CompletableFuture<T> pending) {
        CompletableFuture.anyOf(pending, stopped).exceptionally(failed -> null).join();
        if (!pending.isDone()) {
            pending.cancel(true);
            throw new Stopping();
        }
        return pending.join();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, int attempts, int status) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            deadLetters.send(DeadLetter.of(name, record, reason, attempts, status), (metadata, error) -> {
                if (error == null) acknowledged.complete(null);
                else acknowledged.completeExceptionally(error);
            });
            // a backstop: the producer fails the send itself, saying why, within twice the timeout
            // (waiting for metadata, then for the acknowledgement)
            unlessStopped(acknowledged.orTimeout(produceTimeout.multipliedBy(2).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS));
        } catch (CompletionException e) {
            throw new DeadLetterUnwritable(reason, e.getCause() instanceof Exception cause ? cause : e);
        } catch (KafkaException e) {
            throw new DeadLetterUnwritable(reason, e);
        }
        deadLettered.increment();
        LOG.warn("handler {}: record at {}-{}@{} kept on {}: {}", name, record.topic(), record.partition(),
                record.offset(), Topics.handlerDeadLetter(name), reason);
    }

    /** Waits, unless stopped: then {@link Stopping}. */
    void pause(Duration wait) {
        try {
            stopped.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            throw new Stopping();
        } catch (TimeoutException waited) {
            // the whole wait: go on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopping();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Ends the post or wait in progress, and every one after, with {@link Stopping}. */
    void stop() {
        stopped.complete(null);
    }

    boolean stopping() {
        return stopped.isDone();
    }

    /** Stopped: leave without marking the current record handled. */
    static final class Stopping extends RuntimeException {
        Stopping() {
            super(null, null, false, false);
        }
    }

    /** A dead letter Kafka did not acknowledge: its record must be handled again, not lost. */
    static final class DeadLetterUnwritable extends RuntimeException {
        /** Why the record was to be dead-lettered. */
        final String reason;

        DeadLetterUnwritable(String reason, Exception cause) {
            super(cause.getCause() != null ? cause.getCause().toString() : cause.toString(), cause);
            this.reason = reason;
        }
    }
}
