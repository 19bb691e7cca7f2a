package dev.eddy.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.funnels.FunnelStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void noFileNoEnvironmentGivesTheDefaults() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of())).isEqualTo(EddyConfig.defaults());
    }

    @Test
    void environmentOverridesFileAndFlagsOverrideEnvironment() throws IOException {
        Path file = yaml("""
                server:
                  port: 9000
                  writeKeys: [a, b]
                stream:
                  allowedLateness: 30m
                kafka:
                  bootstrap: broker:9092
                """);
        EddyConfig c = ConfigLoader.load(file,
                Map.of("EDDY_SERVER_PORT", "9100", "EDDY_SERVER_READ_KEYS", "r1, r2", "EDDY_STREAM_OUT_OF_ORDERNESS", "2s"),
                Map.of("server.port", "9200"));
        assertThat(c.server().port()).isEqualTo(9200);
        assertThat(c.server().writeKeys()).containsExactly("a", "b");
        assertThat(c.server().readKeys()).containsExactly("r1", "r2");
        assertThat(c.stream().allowedLateness()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.stream().outOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.kafka().bootstrap()).isEqualTo("broker:9092");
        assertThat(c.kafka().embedded()).isFalse();
    }

    @Test
    void listFlagsReplaceTheList() {
        EddyConfig c = ConfigLoader.load(null, Map.of(), Map.of("server.writeKeys", List.of("k1")));
        assertThat(c.server().writeKeys()).containsExactly("k1");
    }

    @Test
    void unknownKeyInFileIsNamed() throws IOException {
        Path file = yaml("server:\n  prot: 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'server.prot'");
    }

    @Test
    void keyWithoutValueInFileIsNamed() throws IOException {
        // each would otherwise reach the config as null (a crash later) or 0 (a random port)
        Map<String, String> keyOfFile = Map.of(
                "server:\n  port:\n", "server.port",
                "flink: {checkpointInterval: }\n", "flink.checkpointInterval",
                "kafka:\n  retention: ~\n", "kafka.retention",
                "server:\n  writeKeys:\n", "server.writeKeys",
                "stream:\n", "stream");
        for (Map.Entry<String, String> fileAndKey : keyOfFile.entrySet()) {
            Path file = yaml(fileAndKey.getKey());
            assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(file + ": key '" + fileAndKey.getValue() + "' has no value (leave the key out for its default)");
        }
    }

    @Test
    void badNumberFromEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_KAFKA_PARTITIONS", "four"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environment variable EDDY_KAFKA_PARTITIONS: 'four' is not a whole number");
    }

    @Test
    void badDurationNamesTheKey() throws IOException {
        Path file = yaml("stream:\n  allowedLateness: soon\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key stream.allowedLateness:")
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void retentionShorterThanTheDedupWindowIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_KAFKA_RETENTION", "12h"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: kafka.retention: 12h is shorter than stream.dedupWindow (1d):"
                        + " a replay could count retried events twice");
    }

    @Test
    void aFlinkClusterIsNamedByItsRestAddress() {
        Map<String, String> cluster = Map.of("EDDY_FLINK_JOBMANAGER", "flink-jm:8081", "EDDY_FLINK_CHECKPOINTS", "/mnt/eddy/checkpoints",
                "EDDY_KAFKA_BOOTSTRAP", "kafka:9092", "EDDY_STORE_JDBC_URL", "jdbc:postgresql://db/eddy");
        EddyConfig c = ConfigLoader.load(null, cluster, Map.of());
        assertThat(c.flink().embedded()).isFalse();
        assertThat(c.flink().jobManagerUrl()).hasToString("http://flink-jm:8081");
        Map<String, String> asUrl = new HashMap<>(cluster);
        asUrl.put("EDDY_FLINK_JOBMANAGER", "http://flink-jm:8081/");
        assertThat(ConfigLoader.load(null, asUrl, Map.of()).flink().jobManagerUrl()).hasToString("http://flink-jm:8081/");
        assertThat(EddyConfig.defaults().flink().embedded()).isTrue();
    }

    @Test
    void aFlinkClusterNeedsEverythingItUsesOutsideThisProcess() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_FLINK_JOBMANAGER", "flink-jm"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: flink.jobmanager: must be the REST address of a Flink cluster, host:port,"
                        + " got 'flink-jm'; flink.checkpoints: must be given with flink.jobmanager: a directory the"
                        + " cluster's JobManager and TaskManagers and Eddy all see at the same path, where the job's state"
                        + " is kept; kafka.bootstrap: must be given with flink.jobmanager: the cluster cannot read a broker"
                        + " embedded in this process; store.jdbcUrl: must be given with flink.jobmanager, and not an"
                        + " in-process H2 database: the cluster cannot write views embedded in this process");
        Map<String, String> h2File = Map.of("EDDY_FLINK_JOBMANAGER", "flink-jm:8081", "EDDY_FLINK_CHECKPOINTS", "/mnt/c",
                "EDDY_KAFKA_BOOTSTRAP", "kafka:9092", "EDDY_STORE_JDBC_URL", "jdbc:h2:file:/var/eddy/views");
        assertThatThrownBy(() -> ConfigLoader.load(null, h2File, Map.of()))
                .hasMessageContaining("store.jdbcUrl: must be given with flink.jobmanager, and not an in-process H2 database");
        Map<String, String> h2Server = new HashMap<>(h2File);
        h2Server.put("EDDY_STORE_JDBC_URL", "jdbc:h2:tcp://db/views");
        assertThat(ConfigLoader.load(null, h2Server, Map.of()).store().jdbcUrl()).isEqualTo("jdbc:h2:tcp://db/views");
    }

    @Test
    void checkpointsAreAnAbsolutePathForAFlinkCluster() {
        Map<String, String> relative = Map.of("EDDY_FLINK_JOBMANAGER", "flink-jm:8081", "EDDY_FLINK_CHECKPOINTS", "state/checkpoints",
                "EDDY_KAFKA_BOOTSTRAP", "kafka:9092", "EDDY_STORE_JDBC_URL", "jdbc:postgresql://db/eddy");
        assertThatThrownBy(() -> ConfigLoader.load(null, relative, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: flink.checkpoints: must be an absolute path, got 'state/checkpoints'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_FLINK_CHECKPOINTS", "/mnt/checkpoints"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: flink.checkpoints: only with flink.jobmanager; the embedded"
                        + " MiniCluster keeps them in the data dir");
        Map<String, String> withUser = new HashMap<>(relative);
        withUser.put("EDDY_FLINK_CHECKPOINTS", "/mnt/checkpoints");
        withUser.put("EDDY_FLINK_JOBMANAGER", "http://admin:secret@flink-jm:8081");
        assertThatThrownBy(() -> ConfigLoader.load(null, withUser, Map.of()))
                .hasMessageContaining("flink.jobmanager: must be the REST address of a Flink cluster, host:port");
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.port", "70000")))
                .hasMessageContaining("server.port: 70000 is not a port");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigLoader.envName("stream.allowedLateness")).isEqualTo("EDDY_STREAM_ALLOWED_LATENESS");
        assertThat(ConfigLoader.envName("dataDir")).isEqualTo("EDDY_DATA_DIR");
        assertThat(ConfigLoader.keys()).containsKeys("server.port", "kafka.bootstrap", "store.jdbcUrl", "query.maxRange");
    }

    @Test
    void handlersAreDeclaredInTheFileWithDefaultsForKeysLeftOut() throws IOException {
        Path file = yaml("""
                handlers:
                  signup-hook:
                    url: https://hooks.example.com/signup
                    events: [Signed Up, Order Completed]
                    maxAttempts: 3
                  audit:
                    url: http://localhost:9000/audit
                    types: identify
                """);
        EddyConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(c.handlers()).containsOnlyKeys("signup-hook", "audit");
        assertThat(c.handlers().get("signup-hook")).isEqualTo(new EddyConfig.Handler(
                "https://hooks.example.com/signup", "events", List.of(), List.of("Signed Up", "Order Completed"), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10), 8));
        assertThat(c.handlers().get("audit").types()).containsExactly("identify");
        assertThat(c.handlers().get("audit").maxAttempts()).isEqualTo(5);
    }

    @Test
    void theEnvironmentOverridesTheKeysOfDeclaredHandlers() throws IOException {
        Path file = yaml("handlers:\n  signup-hook:\n    url: http://a.example/x\n");
        EddyConfig c = ConfigLoader.load(file, Map.of(
                "EDDY_HANDLERS_SIGNUP_HOOK_URL", "http://b.example/y",
                "EDDY_HANDLERS_SIGNUP_HOOK_MAX_BACKOFF", "5m"), Map.of());
        assertThat(c.handlers().get("signup-hook").url()).isEqualTo("http://b.example/y");
        assertThat(c.handlers().get("signup-hook").maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.envName("handlers.signup-hook.maxAttempts")).isEqualTo("EDDY_HANDLERS_SIGNUP_HOOK_MAX_ATTEMPTS");
    }

    @Test
    void aHandlerPostsEightAtOnceUnlessToldFromOneTo256() throws IOException {
        Path file = yaml("handlers:\n  hook:\n    url: http://a.example/x\n");
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).handlers().get("hook").concurrency()).isEqualTo(8);
        assertThat(ConfigLoader.load(file, Map.of("EDDY_HANDLERS_HOOK_CONCURRENCY", "1"), Map.of())
                .handlers().get("hook").concurrency()).isEqualTo(1);
        assertThat(ConfigLoader.load(yaml("handlers:\n  hook:\n    url: http://a.example/x\n    concurrency: 256\n"),
                Map.of(), Map.of()).handlers().get("hook").concurrency()).isEqualTo(256);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("EDDY_HANDLERS_HOOK_CONCURRENCY", "0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: handlers.hook.concurrency: must be from 1 to 256, got 0");
        Path tooMany = yaml("handlers:\n  hook:\n    url: http://a.example/x\n    concurrency: 257\n");
        assertThatThrownBy(() -> ConfigLoader.load(tooMany, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: handlers.hook.concurrency: must be from 1 to 256, got 257");
    }

    @Test
    void badHandlersAreNamedByKey() throws IOException {
        Path file = yaml("""
                handlers:
                  hook:
                    url: ftp://example.com/x
                    types: [track, click]
                    maxAttempts: 0
                    backoff: 10s
                    maxBackoff: 1s
                  nourl: {}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: handlers.hook.url: must be an http or https URL, got 'ftp://example.com/x'"
                        + "; handlers.hook.types: 'click' is not a call type (track, page, screen, identify, group, alias)"
                        + "; handlers.hook.maxAttempts: must be at least 1"
                        + "; handlers.hook.maxBackoff: must not be below backoff (10s)"
                        + "; handlers.nourl.url: must be given (where the handler posts its events)");
        Path badName = yaml("handlers:\n  Signup.Hook:\n    url: http://a.example/x\n");
        assertThatThrownBy(() -> ConfigLoader.load(badName, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(badName + ": handlers: 'Signup.Hook' is not a handler name"
                        + " (lowercase letters, digits and '-', at most 63, starting with a letter or digit)");
        Path badPort = yaml("handlers:\n  hook:\n    url: http://a.example:99999/x\n");
        assertThatThrownBy(() -> ConfigLoader.load(badPort, Map.of(), Map.of()))
                .hasMessage("invalid configuration: handlers.hook.url: must be an http or https URL, got 'http://a.example:99999/x'");
        Path emptyName = yaml("handlers:\n  hook:\n    url: http://a.example/x\n    events: [~]\n");
        assertThatThrownBy(() -> ConfigLoader.load(emptyName, Map.of(), Map.of()))
                .hasMessage("invalid configuration: handlers.hook.events: a track event name must not be empty");
        Path noSettings = yaml("handlers:\n  hook:\n");
        assertThatThrownBy(() -> ConfigLoader.load(noSettings, Map.of(), Map.of()))
                .hasMessage(noSettings + ": handlers.hook has no settings (a handler needs at least its url)");
        Path sharedEnv = yaml("handlers:\n  x:\n    url: http://a.example/x\n  x-max:\n    url: http://a.example/y\n");
        assertThatThrownBy(() -> ConfigLoader.load(sharedEnv, Map.of(), Map.of()))
                .hasMessage(sharedEnv + ": handlers: handlers.x.maxBackoff and handlers.x-max.backoff would share the"
                        + " environment variable EDDY_HANDLERS_X_MAX_BACKOFF: rename one of the handlers");
        Path unknownKey = yaml("handlers:\n  hook:\n    url: http://a.example/x\n    retries: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknownKey, Map.of(), Map.of()))
                .hasMessageStartingWith(unknownKey + ": unknown key 'handlers.hook.retries'");
    }

    @Test
    void aHandlerSubscribesToEventsOrToAlertsOfSeriesByName() throws IOException {
        Path file = yaml("handlers:\n  pager:\n    url: http://a.example/x\n    subscribe: alerts\n    events: [Order Completed, page]\n");
        EddyConfig.Handler pager = ConfigLoader.load(file, Map.of(), Map.of()).handlers().get("pager");
        assertThat(pager.alerts()).isTrue();
        assertThat(pager.events()).containsExactly("Order Completed", "page");
        assertThat(ConfigLoader.load(yaml("handlers:\n  hook:\n    url: http://a.example/x\n"), Map.of(), Map.of())
                .handlers().get("hook").alerts()).isFalse();

        Path bad = yaml("handlers:\n  a:\n    url: http://a.example/x\n    subscribe: alert\n"
                + "  b:\n    url: http://a.example/x\n    subscribe: alerts\n    types: [track]\n    events: ['']\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of(), Map.of()))
                .hasMessage("invalid configuration: handlers.a.subscribe: must be events or alerts, got 'alert'"
                        + "; handlers.b.types: only for events; a handler of alerts takes series by name, under events"
                        + "; handlers.b.events: a series name must not be empty");
    }

    @Test
    void alertSettingsAreCheckedByKey() {
        EddyConfig c = ConfigLoader.load(null, Map.of("EDDY_ALERTS_BASELINE", "1h", "EDDY_ALERTS_THRESHOLD", "3.5",
                "EDDY_ALERTS_MIN_COUNT", "0", "EDDY_ALERTS_DELAY", "0s"), Map.of());
        assertThat(c.alerts()).isEqualTo(new EddyConfig.Alerts(Duration.ofHours(1), 3.5, 0, Duration.ZERO));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_ALERTS_THRESHOLD", "high"), Map.of()))
                .hasMessage("environment variable EDDY_ALERTS_THRESHOLD: 'high' is not a number");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_ALERTS_BASELINE", "90s",
                "EDDY_ALERTS_THRESHOLD", "0", "EDDY_ALERTS_MIN_COUNT", "-1", "EDDY_ALERTS_DELAY", "2h"), Map.of()))
                .hasMessage("invalid configuration: alerts.baseline: must be whole minutes from 2m to 1d, got 90s"
                        + "; alerts.threshold: must be a positive number of standard deviations, got 0.0"
                        + "; alerts.minCount: must be 0 or more, got -1"
                        + "; alerts.delay: must be from 0s to 1h, got 2h");
    }

    @Test
    void theQueryTimeoutIsWholeSecondsFromOneToAnHour() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).query().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigLoader.load(null, Map.of("EDDY_QUERY_TIMEOUT", "1m"), Map.of()).query().timeout())
                .isEqualTo(Duration.ofMinutes(1));
        for (String bad : List.of("500ms", "1500ms", "0s", "2h")) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_QUERY_TIMEOUT", bad), Map.of()))
                    .as(bad).hasMessage("invalid configuration: query.timeout: must be whole seconds from 1s to 1h, got " + bad);
        }
    }

    @Test
    void theSessionGapIsCheckedByKey() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).stream().sessionGap()).isEqualTo(Duration.ofMinutes(30));
        assertThat(ConfigLoader.load(null, Map.of("EDDY_STREAM_SESSION_GAP", "10s"), Map.of()).stream().sessionGap())
                .isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_STREAM_SESSION_GAP", "5s"), Map.of()))
                .hasMessage("invalid configuration: stream.sessionGap: must be from 10s to 1d, got 5s");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDDY_STREAM_SESSION_GAP", "2d"), Map.of()))
                .hasMessage("invalid configuration: stream.sessionGap: must be from 10s to 1d, got 2d");
    }

    @Test
    void anEmptyHandlersSectionMeansNone() throws IOException {
        assertThat(ConfigLoader.load(yaml("handlers:\n"), Map.of(), Map.of()).handlers()).isEmpty();
    }

    @Test
    void funnelsAreDeclaredInTheFileAsStepsInOrder() throws IOException {
        Path file = yaml("""
                funnels:
                  checkout: ["page:Home", "track:Order Completed"]
                  signup:
                    - page: Home
                    - track:  Signed Up
                """);
        Map<String, List<FunnelStep>> funnels = ConfigLoader.load(file, Map.of(), Map.of()).funnels();
        assertThat(funnels.keySet()).containsExactly("checkout", "signup");
        assertThat(funnels.get("checkout")).containsExactly(FunnelStep.page("Home"), FunnelStep.track("Order Completed"));
        assertThat(funnels.get("signup")).containsExactly(FunnelStep.page("Home"), FunnelStep.track("Signed Up"));
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).funnels()).isEmpty();
        assertThat(ConfigLoader.load(yaml("funnels:\n"), Map.of(), Map.of()).funnels()).isEmpty();
    }

    @Test
    void theEnvironmentOverridesOnlyTheFunnelsTheFileDeclared() throws IOException {
        Path file = yaml("funnels:\n  checkout: [page:Home, track:Order Completed]\n");
        EddyConfig c = ConfigLoader.load(file, Map.of(
                "EDDY_FUNNELS_CHECKOUT", "page:Home, page:Product ,track:Order Completed",
                "EDDY_FUNNELS_SIGNUP", "page:Home,track:Signed Up"), Map.of());
        assertThat(c.funnels()).containsOnlyKeys("checkout");
        assertThat(c.funnels().get("checkout"))
                .containsExactly(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Order Completed"));
        assertThat(ConfigLoader.load(null, Map.of("EDDY_FUNNELS_SIGNUP", "page:Home,track:Signed Up"), Map.of()).funnels())
                .isEmpty();
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("EDDY_FUNNELS_CHECKOUT", "page:Home"), Map.of()))
                .hasMessage("invalid configuration: funnels.checkout: must have from 2 to 16 steps, got 1");
    }

    @Test
    void badFunnelsAreNamedByKey() throws IOException {
        Path badKind = yaml("funnels:\n  checkout: [page:Home, click:Buy]\n");
        assertThatThrownBy(() -> ConfigLoader.load(badKind, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key funnels.checkout: 'click' is not a funnel step kind:"
                        + " page (page and screen calls by name) or track (by event name)");
        Path noKind = yaml("funnels:\n  checkout: [Home, track:Buy]\n");
        assertThatThrownBy(() -> ConfigLoader.load(noKind, Map.of(), Map.of()))
                .hasMessage("config key funnels.checkout: 'Home' is not a funnel step: write page:<name> or track:<event name>");
        Path sizes = yaml("funnels:\n  one: [page:Home]\n  many: [" + steps("page:P", 17) + "]\n"
                + "  twice: [page:Home, track:Buy, page:Home]\n");
        assertThatThrownBy(() -> ConfigLoader.load(sizes, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: funnels.one: must have from 2 to 16 steps, got 1"
                        + "; funnels.many: must have from 2 to 16 steps, got 17"
                        + "; funnels.twice: step page:Home comes twice (a session takes each step once)");
        StringBuilder fiveOf13 = new StringBuilder("funnels:\n");
        for (int f = 1; f <= 5; f++) fiveOf13.append("  f").append(f).append(": [").append(steps("page:P", 13)).append("]\n");
        Path tooMany = yaml(fiveOf13.toString());
        assertThatThrownBy(() -> ConfigLoader.load(tooMany, Map.of(), Map.of()))
                .hasMessage("invalid configuration: funnels: 65 steps in all, at most 64");
        Path badName = yaml("funnels:\n  Check_Out: [page:Home, track:Buy]\n");
        assertThatThrownBy(() -> ConfigLoader.load(badName, Map.of(), Map.of()))
                .hasMessage(badName + ": funnels: 'Check_Out' is not a funnel name"
                        + " (lowercase letters, digits and '-', at most 63, starting with a letter or digit)");
        Path badEnv = yaml("funnels:\n  checkout: [page:Home, track:Buy]\n");
        assertThatThrownBy(() -> ConfigLoader.load(badEnv, Map.of("EDDY_FUNNELS_CHECKOUT", "page:Home,track:"), Map.of()))
                .hasMessage("config key funnels.checkout: a funnel step needs a name after its kind");
        Path noSteps = yaml("funnels:\n  checkout:\n");
        assertThatThrownBy(() -> ConfigLoader.load(noSteps, Map.of(), Map.of()))
                .hasMessage(noSteps + ": key 'funnels.checkout' has no value (leave the key out for its default)");
        Path notAMap = yaml("funnels: [page:Home, track:Buy]\n");
        assertThatThrownBy(() -> ConfigLoader.load(notAMap, Map.of(), Map.of()))
                .hasMessage(notAMap + ": funnels: expected a mapping of funnel names to their steps");
    }

    /** {@code count} steps {@code <prefix>1, <prefix>2, …}, comma-separated. */
    private static String steps(String prefix, int count) {
        StringBuilder steps = new StringBuilder();
        for (int i = 1; i <= count; i++) steps.append(i == 1 ? "" : ", ").append(prefix).append(i);
        return steps.toString();
    }

    @Test
    void durationsParseAndFormat() {
        assertThat(Durations.parse("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("eddy.yaml");
        Files.writeString(file, text);
        return file;
    }
}
