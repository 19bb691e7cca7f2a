package dev.eddy.model.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelStep;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the {@link EddyConfig} from its layers, each over the one before: defaults, the YAML
 * file, {@code EDDY_…} environment variables, command-line flags. Every key of the defaults
 * can be set at every layer; the environment name of {@code stream.allowedLateness} is
 * {@code EDDY_STREAM_ALLOWED_LATENESS}, lists are comma-separated there.
 *
 * <p>Handlers are declared by name in the file ({@code handlers.<name>.url} …); each key of a
 * declared handler is a key like the others from then on, so the environment can override it
 * ({@code EDDY_HANDLERS_SIGNUP_HOOK_URL} for {@code handlers.signup-hook.url}). Funnels too, each
 * one key, its list of steps ({@code EDDY_FUNNELS_CHECKOUT} for {@code funnels.checkout}).
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = new YAMLMapper();
    /** Handler names become parts of config keys, topic and consumer group names and environment names. */
    private static final Pattern HANDLER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Funnel names are parts of config keys, environment names and query API paths. */
    private static final Pattern FUNNEL_NAME = HANDLER_NAME;

    private ConfigLoader() {}

    /**
     * @param file  the YAML file, or null for none
     * @param env   the environment (System.getenv() in production)
     * @param flags overrides by dotted key ({@code server.port} → "8080"; lists as List)
     * @throws ConfigException naming the bad key and why
     */
    public static EddyConfig load(Path file, Map<String, String> env, Map<String, Object> flags) {
        ObjectNode tree = JSON.valueToTree(EddyConfig.defaults());
        Map<String, JsonNode> leaves = leaves(tree);
        if (file != null) {
            applyFile(tree, leaves, file);
        }
        leaves.forEach((key, defaultValue) -> {
            String name = envName(key);
            String value = env.get(name);
            if (value != null) set(tree, key, parse(defaultValue, value, "environment variable " + name));
        });
        flags.forEach((key, value) -> {
            JsonNode defaultValue = leaves.get(key);
            if (defaultValue == null) throw new IllegalArgumentException("no config key " + key);
            JsonNode node = value instanceof List<?> list
                    ? JSON.valueToTree(list)
                    : parse(defaultValue, String.valueOf(value), "option for " + key);
            set(tree, key, node);
        });
        EddyConfig config = bind(tree);
        validate(config);
        return config;
    }

    /** {@code stream.allowedLateness} → {@code EDDY_STREAM_ALLOWED_LATENESS}; '-' in a handler's name → '_'. */
    public static String envName(String key) {
        return "EDDY_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_')
                .toUpperCase(Locale.ROOT);
    }

    /** Every configurable key with its default, in order: for help texts and the README. */
    public static Map<String, JsonNode> keys() {
        return leaves(JSON.valueToTree(EddyConfig.defaults()));
    }

    private static void applyFile(ObjectNode tree, Map<String, JsonNode> leaves, Path file) {
        JsonNode yaml;
        try {
            yaml = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (yaml == null || yaml.isMissingNode() || yaml.isNull()) return;
        if (!yaml.isObject()) throw new ConfigException(file + ": expected a YAML mapping of config keys");
        declareHandlers(tree, leaves, file, yaml.get("handlers"));
        declareFunnels(tree, leaves, file, yaml.get("funnels"));
        leaves(yaml).forEach((key, value) -> {
            // "handlers:" or "funnels:" with none under it
            if ((key.equals("handlers") || key.equals("funnels")) && value.isNull()) return;
            JsonNode defaultValue = leaves.get(key);
            boolean known = defaultValue != null || leaves.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
            if (known && value.isNull()) {
                // "port:" with nothing after it: null, which would reach the config as 0 or no value at all
                throw new ConfigException(file + ": key '" + key + "' has no value (leave the key out for its default)");
            }
            if (defaultValue == null) {
                throw new ConfigException(file + ": unknown key '" + key + "' (known keys: "
                        + String.join(", ", leaves.keySet()) + ")");
            }
            JsonNode node = defaultValue.isArray() && !value.isArray()
                    ? parse(defaultValue, value.asText(), file + " key " + key)
                    : value;
            set(tree, key, node);
        });
    }

    /** Gives each handler the file names its default keys, so that the file and the environment can set them. */
    private static void declareHandlers(ObjectNode tree, Map<String, JsonNode> leaves, Path file, JsonNode handlers) {
        if (handlers == null || handlers.isNull()) return;
        if (!handlers.isObject()) {
            throw new ConfigException(file + ": handlers: expected a mapping of handler names to their settings");
        }
        ObjectNode declared = (ObjectNode) tree.get("handlers");
        handlers.fieldNames().forEachRemaining(name -> {
            if (!HANDLER_NAME.matcher(name).matches()) {
                throw new ConfigException(file + ": handlers: '" + name + "' is not a handler name"
                        + " (lowercase letters, digits and '-', at most 63, starting with a letter or digit)");
            }
            if (handlers.get(name).isNull()) {
                throw new ConfigException(file + ": handlers." + name + " has no settings (a handler needs at least its url)");
            }
            JsonNode defaults = JSON.valueToTree(EddyConfig.Handler.defaults());
            declared.set(name, defaults);
            leaves(defaults).forEach((key, value) -> leaves.put("handlers." + name + "." + key, value));
        });
        // a-b's backoff and a's bBackoff would both be EDDY_HANDLERS_A_B_BACKOFF
        Map<String, String> keyOfEnv = new LinkedHashMap<>();
        leaves.keySet().stream().filter(key -> key.startsWith("handlers.")).forEach(key -> {
            String other = keyOfEnv.putIfAbsent(envName(key), key);
            if (other != null) {
                throw new ConfigException(file + ": handlers: " + other + " and " + key + " would share the environment"
                        + " variable " + envName(key) + ": rename one of the handlers");
            }
        });
    }

    /**
     * Gives each funnel the file names a key of its own, {@code funnels.<name>}, a list of steps,
     * so that the environment can override it ({@code EDDY_FUNNELS_CHECKOUT=page:Home,track:Order Completed}).
     */
    private static void declareFunnels(ObjectNode tree, Map<String, JsonNode> leaves, Path file, JsonNode funnels) {
        if (funnels == null || funnels.isNull()) return;
        if (!funnels.isObject()) {
            throw new ConfigException(file + ": funnels: expected a mapping of funnel names to their steps");
        }
        ObjectNode declared = (ObjectNode) tree.get("funnels");
        // names of lowercase letters, digits and '-' each have an environment name of their own
        funnels.fieldNames().forEachRemaining(name -> {
            if (!FUNNEL_NAME.matcher(name).matches()) throw new ConfigException(file + ": funnels: " + funnelNameError(name));
            declared.set(name, JSON.createArrayNode());
            leaves.put("funnels." + name, declared.get(name));
        });
    }

    private static JsonNode parse(JsonNode defaultValue, String text, String origin) {
        if (defaultValue.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            for (String item : text.split(",")) {
                if (!item.isBlank()) array.add(item.trim());
            }
            return array;
        }
        if (defaultValue.isInt()) {
            try {
                return JSON.getNodeFactory().numberNode(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(origin + ": '" + text + "' is not a whole number");
            }
        }
        if (defaultValue.isDouble()) {
            try {
                return JSON.getNodeFactory().numberNode(Double.parseDouble(text.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(origin + ": '" + text + "' is not a number");
            }
        }
        return JSON.getNodeFactory().textNode(text);
    }

    private static EddyConfig bind(ObjectNode tree) {
        try {
            return JSON.treeToValue(tree, EddyConfig.class);
        } catch (JsonMappingException e) {
            String key = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .filter(f -> f != null).collect(Collectors.joining("."));
            // a value's own check (a funnel step's) says what is wrong in the file's words, not in Java's
            String why = e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException check
                    ? check.getMessage() : e.getOriginalMessage();
            throw new ConfigException("config key " + key + ": " + why);
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage());
        }
    }

    private static void validate(EddyConfig c) {
        List<String> errors = new ArrayList<>();
        port(errors, "server.port", c.server().port());
        port(errors, "kafka.port", c.kafka().port());
        port(errors, "flink.port", c.flink().port());
        if (c.kafka().partitions() < 1) errors.add("kafka.partitions: must be at least 1");
        if (c.flink().parallelism() < 1) errors.add("flink.parallelism: must be at least 1");
        if (c.ingest().rateLimit() < 0) errors.add("ingest.rateLimit: must be 0 (no limit) or more");
        positive(errors, "kafka.produceTimeout", c.kafka().produceTimeout());
        positive(errors, "flink.checkpointInterval", c.flink().checkpointInterval());
        positive(errors, "stream.outOfOrderness", c.stream().outOfOrderness());
        positive(errors, "stream.idleness", c.stream().idleness());
        positive(errors, "stream.dedupWindow", c.stream().dedupWindow());
        Duration gap = c.stream().sessionGap();
        // the job keeps a visitor's ended sessions for the allowed lateness: a gap of seconds
        // would keep hundreds of them for a visitor active all the time, each copied on every event
        if (gap.compareTo(Duration.ofSeconds(10)) < 0 || gap.compareTo(Duration.ofDays(1)) > 0) {
            errors.add("stream.sessionGap: must be from 10s to 1d, got " + Durations.format(gap));
        }
        positive(errors, "query.maxRange", c.query().maxRange());
        Duration timeout = c.query().timeout();
        // JDBC times a statement in whole seconds
        if (timeout.toMillis() % 1000 != 0 || timeout.compareTo(Duration.ofSeconds(1)) < 0
                || timeout.compareTo(Duration.ofHours(1)) > 0) {
            errors.add("query.timeout: must be whole seconds from 1s to 1h, got " + Durations.format(timeout));
        }
        if (c.stream().allowedLateness().isNegative()) errors.add("stream.allowedLateness: must not be negative");
        if (c.ingest().maxFutureSkew().isNegative()) errors.add("ingest.maxFutureSkew: must not be negative");
        if (c.kafka().retention().compareTo(c.stream().dedupWindow()) < 0) {
            errors.add("kafka.retention: " + Durations.format(c.kafka().retention())
                    + " is shorter than stream.dedupWindow (" + Durations.format(c.stream().dedupWindow())
                    + "): a replay could count retried events twice");
        }
        validateAlerts(errors, c.alerts());
        if (c.dataDir() == null || c.dataDir().isBlank()) errors.add("dataDir: must name a directory");
        if (!c.flink().checkpoints().isBlank() && !Path.of(c.flink().checkpoints()).isAbsolute()) {
            errors.add("flink.checkpoints: must be an absolute path, got '" + c.flink().checkpoints() + "'");
        }
        if (c.flink().embedded() && !c.flink().checkpoints().isBlank()) {
            errors.add("flink.checkpoints: only with flink.jobmanager; the embedded MiniCluster keeps them in the data dir");
        }
        if (!c.flink().embedded()) validateFlinkCluster(errors, c);
        c.handlers().forEach((name, handler) -> validateHandler(errors, "handlers." + name + ".", handler));
        errors.addAll(funnelErrors(c.funnels()));
        if (!errors.isEmpty()) throw new ConfigException("invalid configuration: " + String.join("; ", errors));
    }

    private static void validateAlerts(List<String> errors, EddyConfig.Alerts a) {
        Duration baseline = a.baseline();
        if (baseline.compareTo(Duration.ofMinutes(2)) < 0 || baseline.compareTo(Duration.ofDays(1)) > 0
                || baseline.toSeconds() % 60 != 0 || baseline.getNano() != 0) {
            errors.add("alerts.baseline: must be whole minutes from 2m to 1d, got " + Durations.format(baseline));
        }
        if (!(a.threshold() > 0) || Double.isInfinite(a.threshold())) {
            errors.add("alerts.threshold: must be a positive number of standard deviations, got " + a.threshold());
        }
        if (a.minCount() < 0) errors.add("alerts.minCount: must be 0 or more, got " + a.minCount());
        if (a.delay().isNegative() || a.delay().compareTo(Duration.ofHours(1)) > 0) {
            errors.add("alerts.delay: must be from 0s to 1h, got " + Durations.format(a.delay()));
        }
    }

    private static String funnelNameError(String name) {
        return "'" + name + "' is not a funnel name (lowercase letters, digits and '-', at most 63, starting with a letter or digit)";
    }

    /**
     * What is wrong with these funnels' names and steps, each as {@link #load} says it, keyed {@code
     * funnels.<name>}; none when nothing. For funnels given elsewhere too ({@code eddy generate --funnel}).
     */
    public static List<String> funnelErrors(Map<String, List<FunnelStep>> funnels) {
        List<String> errors = new ArrayList<>();
        int inAll = 0;
        for (Map.Entry<String, List<FunnelStep>> funnel : funnels.entrySet()) {
            String key = "funnels." + funnel.getKey();
            if (!FUNNEL_NAME.matcher(funnel.getKey()).matches()) errors.add("funnels: " + funnelNameError(funnel.getKey()));
            List<FunnelStep> steps = funnel.getValue();
            inAll += steps.size();
            if (steps.size() < Funnel.MIN_STEPS || steps.size() > Funnel.MAX_STEPS) {
                errors.add(key + ": must have from " + Funnel.MIN_STEPS + " to " + Funnel.MAX_STEPS + " steps, got " + steps.size());
            }
            Set<FunnelStep> seen = new HashSet<>();
            for (FunnelStep step : steps) {
                if (!seen.add(step)) errors.add(key + ": step " + step + " comes twice (a session takes each step once)");
            }
        }
        if (inAll > Funnel.MAX_STEPS_IN_ALL) {
            errors.add("funnels: " + inAll + " steps in all, at most " + Funnel.MAX_STEPS_IN_ALL);
        }
        return errors;
    }

    /** A Flink cluster runs the job in other machines' processes: what it reads, writes and keeps must be reachable from there. */
    private static void validateFlinkCluster(List<String> errors, EddyConfig c) {
        if (!isJobManagerAddress(c.flink())) {
            errors.add("flink.jobmanager: must be the REST address of a Flink cluster, host:port, got '"
                    + c.flink().jobmanager() + "'");
        }
        if (c.flink().checkpoints().isBlank()) {
            errors.add("flink.checkpoints: must be given with flink.jobmanager: a directory the cluster's"
                    + " JobManager and TaskManagers and Eddy all see at the same path, where the job's state is kept");
        }
        if (c.kafka().embedded()) {
            errors.add("kafka.bootstrap: must be given with flink.jobmanager: the cluster cannot read a broker"
                    + " embedded in this process");
        }
        if (c.store().embedded() || isInProcessH2(c.store().jdbcUrl())) {
            errors.add("store.jdbcUrl: must be given with flink.jobmanager, and not an in-process H2 database:"
                    + " the cluster cannot write views embedded in this process");
        }
    }

    /** H2 but for its server mode ({@code jdbc:h2:tcp:}, {@code jdbc:h2:ssl:}): a file or memory of this process. */
    private static boolean isInProcessH2(String jdbcUrl) {
        String url = jdbcUrl.strip().toLowerCase(Locale.ROOT);
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
    }

    private static boolean isJobManagerAddress(EddyConfig.Flink flink) {
        try {
            URI uri = flink.jobManagerUrl();
            return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
                    && uri.getPort() > 0 && uri.getPort() <= 65535
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void validateHandler(List<String> errors, String prefix, EddyConfig.Handler h) {
        if (h.url().isBlank()) {
            errors.add(prefix + "url: must be given (where the handler posts its events)");
        } else if (!isHttpUrl(h.url())) {
            errors.add(prefix + "url: must be an http or https URL, got '" + h.url() + "'");
        }
        if (!EddyConfig.Handler.EVENTS.equals(h.subscribe()) && !h.alerts()) {
            errors.add(prefix + "subscribe: must be events or alerts, got '" + h.subscribe() + "'");
        }
        if (h.alerts() && !h.types().isEmpty()) {
            errors.add(prefix + "types: only for events; a handler of alerts takes series by name, under events");
        }
        if (h.events().stream().anyMatch(name -> name == null || name.isBlank())) {
            errors.add(prefix + "events: " + (h.alerts() ? "a series name" : "a track event name") + " must not be empty");
        }
        for (String type : h.types()) {
            if (EventType.fromWireName(type) == null) {
                errors.add(prefix + "types: '" + type + "' is not a call type (track, page, screen, identify, group, alias)");
            }
        }
        if (h.maxAttempts() < 1) errors.add(prefix + "maxAttempts: must be at least 1");
        if (h.concurrency() < 1 || h.concurrency() > EddyConfig.Handler.MAX_CONCURRENCY) {
            errors.add(prefix + "concurrency: must be from 1 to " + EddyConfig.Handler.MAX_CONCURRENCY + ", got " + h.concurrency());
        }
        positive(errors, prefix + "backoff", h.backoff());
        positive(errors, prefix + "timeout", h.timeout());
        if (h.maxBackoff().compareTo(h.backoff()) < 0) {
            errors.add(prefix + "maxBackoff: must not be below backoff (" + Durations.format(h.backoff()) + ")");
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getPort() <= 65535;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void port(List<String> errors, String key, int port) {
        if (port < 0 || port > 65535) errors.add(key + ": " + port + " is not a port (0-65535, 0 picks a free one)");
    }

    private static void positive(List<String> errors, String key, Duration d) {
        if (d.isZero() || d.isNegative()) errors.add(key + ": must be positive");
    }

    private static Map<String, JsonNode> leaves(JsonNode root) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        collect("", root, out);
        return out;
    }

    private static void collect(String prefix, JsonNode node, Map<String, JsonNode> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node);
        }
    }

    private static void set(ObjectNode tree, String key, JsonNode value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }
}
