package dev.eddy.runtime.flink;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.common.hash.BloomFilter;
import com.google.common.util.concurrent.internal.InternalFutureFailureAccess;
import dev.eddy.model.Event;
import dev.eddy.store.metrics.MetricsSink;
import dev.eddy.stream.job.AnalyticsJob;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The jars a Flink cluster needs to run the analytics job beyond Flink itself: Eddy's job, event
 * model and views sink, the Kafka and JDBC connectors, and the libraries they use. A cluster's
 * classpath holds Flink only (connectors go with the jobs that use them), so these are shipped
 * with the submission. Each is found by one class it holds, wherever this process loaded it from.
 */
final class JobJars {
    /** Eddy's own: the job, the event model, the views sink. */
    private static final List<Class<?>> EDDY = List.of(AnalyticsJob.class, Event.class, MetricsSink.class);
    private static final List<Class<?>> LIBRARIES = List.of(
            KafkaSource.class, DeliveryGuarantee.class, JdbcSink.class,
            KafkaProducer.class,
            JsonFactory.class, ObjectMapper.class, JsonCreator.class, JavaTimeModule.class,
            BloomFilter.class, InternalFutureFailureAccess.class,
            org.h2.Driver.class, org.postgresql.Driver.class);
    /** The codecs a producer may have compressed eddy.events with: kafka-clients needs them at run time only. */
    private static final List<String> CODECS = List.of(
            "net.jpountz.lz4.LZ4Factory", "org.xerial.snappy.Snappy", "com.github.luben.zstd.Zstd");

    private JobJars() {}

    /**
     * @throws IllegalStateException when a class was loaded from a folder (a build's {@code
     *     target/classes}): only jars can be shipped
     */
    static List<Path> paths() {
        List<Class<?>> types = new ArrayList<>(EDDY);
        types.addAll(LIBRARIES);
        for (String codec : CODECS) types.add(loaded(codec));
        return jarsOf(types);
    }

    /** The jars of Eddy's own classes among {@link #paths()}. */
    static List<Path> eddy() {
        return jarsOf(EDDY);
    }

    private static List<Path> jarsOf(List<Class<?>> types) {
        Set<Path> jars = new LinkedHashSet<>();
        for (Class<?> type : types) {
            URL location = type.getProtectionDomain().getCodeSource().getLocation();
            Path jar = jarOf(location);
            if (jar == null) {
                throw new IllegalStateException("cannot ship the analytics job to a Flink cluster: " + type.getName()
                        + " was loaded from " + location + ", not a jar (run Eddy from its packaged jars)");
            }
            jars.add(jar);
        }
        return List.copyOf(jars);
    }

    private static Class<?> loaded(String name) {
        try {
            // not initialised: the codecs load native libraries then
            return Class.forName(name, false, JobJars.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot ship the analytics job to a Flink cluster: " + name + " is missing", e);
        }
    }

    /** The jar file at {@code location}, or null when it is none (a folder, or not a file). */
    private static Path jarOf(URL location) {
        try {
            if (!"file".equals(location.getProtocol())) return null;
            Path path = Path.of(location.toURI());
            return Files.isRegularFile(path) ? path : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
