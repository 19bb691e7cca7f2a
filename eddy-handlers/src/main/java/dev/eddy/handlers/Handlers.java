package dev.eddy.handlers;

import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured handlers, running: each its own consumer group, a thread reading it and lanes
 * posting (see {@link HandlerRunner}), one producer for all their dead letters, with the same settings as every
 * other write to the bus (idempotent, acks=all), and their lag on {@code /metrics} ({@link HandlerLag}).
 */
public final class Handlers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Handlers.class);

    private final List<HandlerRunner> runners = new ArrayList<>();
    private final Producer<byte[], byte[]> deadLetters;
    private final HandlerLag lag;

    private Handlers(Producer<byte[], byte[]> deadLetters, HandlerLag lag) {
        this.deadLetters = deadLetters;
        this.lag = lag;
    }

    /**
     * Creates each handler's dead-letter topic when missing, then starts the handlers.
     *
     * @param handlers by name, as validated by the config
     * @param produceTimeout how long a dead letter may take to be acknowledged
     */
    public static Handlers start(Map<String, EddyConfig.Handler> handlers, String bootstrap, TopicPlan plan,
                                 Duration produceTimeout, MeterRegistry registry) {
        if (!handlers.isEmpty()) {
            try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
                handlers.keySet().forEach(name -> admin.ensureTopic(plan, Topics.handlerDeadLetter(name)));
            }
        }
        Handlers running = new Handlers(new KafkaProducer<>(EventPublisher.config(bootstrap, produceTimeout, produceTimeout),
                new ByteArraySerializer(), new ByteArraySerializer()), new HandlerLag(bootstrap, registry));
        try {
            handlers.forEach((name, config) -> {
                HandlerRunner runner = new HandlerRunner(name, config, bootstrap, running.deadLetters, produceTimeout, registry);
                running.runners.add(runner);
                running.lag.bind(name, runner.topic());
                runner.start();
                LOG.info("handler {} posts {} to {}", name, describe(config), withoutPath(config.url()));
            });
            return running;
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
    }

    private static String describe(EddyConfig.Handler config) {
        if (config.alerts()) return config.events().isEmpty() ? "every alert" : "alerts of " + quoted(config.events());
        if (config.types().isEmpty() && config.events().isEmpty()) return "every event";
        List<String> taken = new ArrayList<>(config.types());
        if (!config.events().isEmpty()) taken.add(quoted(config.events()));
        return String.join(", ", taken);
    }

    private static String quoted(List<String> names) {
        return names.stream().map(name -> "'" + name + "'").collect(Collectors.joining(", "));
    }

    /** Where a handler posts, short of the path and query: those of webhook URLs often hold a secret token. */
    private static String withoutPath(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + "/…";
    }

    /** The consumer group of a handler: where its place on its topic is kept. */
    public static String groupOf(String handler) {
        return "eddy.handler." + handler;
    }

    /** Whether every handler has its place on its topic: events (and alerts) written from now on reach them all. */
    public boolean ready() {
        return runners.stream().allMatch(HandlerRunner::assigned);
    }

    /** Stops the handlers, all at once, waits until each has committed what it handled, then closes the dead-letter producer. */
    @Override
    public void close() {
        runners.forEach(HandlerRunner::stop);
        for (HandlerRunner runner : runners) {
            try {
                runner.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deadLetters.close(Duration.ofSeconds(5));
        lag.close();
    }
}
