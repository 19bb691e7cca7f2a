package dev.eddy.workload.traffic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * An endless, deterministic stream of simulated Segment messages: sessions of page/screen views,
 * track events along a funnel, and identify calls when a user logs in. Each session is about one
 * of 50 products: its pages after the first have the product in their path ({@code
 * /product/p-007}), its track events in their properties.
 *
 * <p>The same (seed, start, rate, profile) give byte-identical messages, messageIds included:
 * they are derived from the seed, the start and the rate, so a second run at another time does
 * not collide with the first in the server's dedup window, while a replay of the same run does.
 * Message {@code i} is nominally sent at {@code start + i / rate}; its timestamp lies up to
 * {@link TrafficProfile#maxDisorder()} before that, never after, so events are slightly out of
 * order and never in the future of a sender pacing at the same rate.
 *
 * <p>Not thread-safe: one consumer pulls messages in order.
 */
public final class TrafficGenerator implements Iterator<SegmentMessage> {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final String[] PRODUCT_IDS = IntStream.range(0, 50)
            .mapToObj(i -> String.format(Locale.ROOT, "P-%03d", i)).toArray(String[]::new);

    private final TrafficProfile profile;
    private final Instant start;
    private final double rate;
    private final long userSalt;
    private final long idBase;
    private final int maxDisorderMillis;
    private final Random random;
    private final Session[] sessions;
    /** Users are built on first use and kept: their ids are formatted once, not per message. */
    private final User[] users;
    private long sequence;

    private TrafficGenerator(long seed, Instant start, double rate, TrafficProfile profile) {
        this.profile = profile;
        this.start = start.truncatedTo(ChronoUnit.MILLIS);
        this.rate = rate;
        this.userSalt = mix64(seed ^ 0x5DEECE66DL);
        this.idBase = mix64(mix64(mix64(seed) + this.start.toEpochMilli()) + Double.doubleToLongBits(rate));
        this.maxDisorderMillis = (int) profile.maxDisorder().toMillis();
        this.random = new Random(seed);
        this.users = new User[profile.users()];
        this.sessions = new Session[profile.concurrentSessions()];
        for (int i = 0; i < sessions.length; i++) sessions[i] = newSession();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Always true: the stream is endless, callers bound it. */
    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public SegmentMessage next() {
        int slot = random.nextInt(sessions.length);
        Session session = sessions[slot];
        Event event = session.next(sequence);
        if (session.finished) sessions[slot] = newSession();
        return new SegmentMessage(sequence++, event, SegmentJson.render(event));
    }

    /** The next {@code count} messages. */
    public List<SegmentMessage> take(int count) {
        List<SegmentMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) messages.add(next());
        return messages;
    }

    /** When message {@code sequence} is nominally sent: {@code start + sequence / rate}. */
    public Instant nominalTime(long sequence) {
        return start.plusNanos(Math.round(sequence * 1e9 / rate));
    }

    public Instant start() {
        return start;
    }

    public double rate() {
        return rate;
    }

    public TrafficProfile profile() {
        return profile;
    }

    private Session newSession() {
        User user = user(random.nextInt(profile.users()));
        int product = random.nextInt(PRODUCT_IDS.length);
        boolean loggedIn = user.known && random.nextDouble() >= profile.loginShare();
        return new Session(user, product, loggedIn);
    }

    /** A user's lasting traits come from a hash of its number, so every session of it agrees. */
    private User user(int number) {
        if (users[number] == null) users[number] = newUser(number);
        return users[number];
    }

    private User newUser(int number) {
        long h = mix64(userSalt + number * GOLDEN_GAMMA);
        boolean known = unit(h) >= profile.anonymousShare();
        boolean mobile = unit(mix64(h)) < profile.mobileShare();
        String anonymousId = new UUID(mix64(h + 1), mix64(h + 2)).toString();
        return new User(number, String.format(Locale.ROOT, "user-%05d", number), anonymousId, known, mobile);
    }

    /** Whether the outage keeps sessions from step {@code next} at message {@code seq}'s nominal time. */
    private boolean outageBefore(int next, long seq) {
        Outage outage = profile.outage();
        return outage != null && profile.funnel().get(next).name().equals(outage.step())
                && outage.covers(Duration.between(start, nominalTime(seq)));
    }

    private Instant timestamp(long seq) {
        int disorder = maxDisorderMillis == 0 ? 0 : random.nextInt(maxDisorderMillis + 1);
        return nominalTime(seq).minusMillis(disorder).truncatedTo(ChronoUnit.MILLIS);
    }

    /** A version-4-shaped UUID drawn from the run's id base and the sequence number. */
    private String messageId(long seq) {
        long hi = mix64(idBase + seq * GOLDEN_GAMMA);
        long lo = mix64(hi ^ idBase);
        hi = (hi & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** SplitMix64's finaliser: a cheap, well-mixed hash of a long. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }

    private record User(int number, String userId, String anonymousId, boolean known, boolean mobile) {}

    private final class Session {
        private final User user;
        private final String product;
        private final double price;
        private boolean identified;
        private boolean identifyPending;
        private int step;
        private boolean finished;

        Session(User user, int product, boolean loggedIn) {
            this.user = user;
            this.product = PRODUCT_IDS[product];
            this.price = 5 + (product * 7) % 90 + 0.99;
            this.identified = loggedIn;
            this.identifyPending = user.known && !loggedIn;
        }

        Event next(long seq) {
            Instant timestamp = timestamp(seq);
            String messageId = messageId(seq);
            if (identifyPending && step > 0) {
                identifyPending = false;
                identified = true;
                return event(messageId, EventType.IDENTIFY, null, null, timestamp, null, traits());
            }
            FunnelStep current = profile.funnel().get(step);
            Event event = current.type() == EventType.TRACK
                    ? event(messageId, EventType.TRACK, current.name(), null, timestamp, productProperties(), null)
                    : event(messageId, user.mobile ? EventType.SCREEN : EventType.PAGE, null, current.name(),
                            timestamp, pageProperties(current.name(), step > 0), null);
            boolean goesOn = step + 1 < profile.funnel().size() && random.nextDouble() < current.continueProbability()
                    && !outageBefore(step + 1, seq);
            if (goesOn) step++;
            else finished = true;
            return event;
        }

        private Event event(String messageId, EventType type, String name, String pageName, Instant timestamp,
                            ObjectNode properties, ObjectNode traits) {
            String userId = identified ? user.userId : null;
            return new Event(messageId, type, name, pageName, userId, user.anonymousId, null, null, null,
                    timestamp, null, null, null, properties, context(), traits);
        }

        private ObjectNode productProperties() {
            ObjectNode properties = JsonNodeFactory.instance.objectNode();
            properties.put("product_id", product);
            properties.put("price", price);
            return properties;
        }

        /** @param ofProduct whether the page is about the session's product: every page after the first step */
        private ObjectNode pageProperties(String pageName, boolean ofProduct) {
            ObjectNode properties = JsonNodeFactory.instance.objectNode();
            String path = "/" + pageName.toLowerCase(Locale.ROOT).replace(' ', '-')
                    + (ofProduct ? "/" + product.toLowerCase(Locale.ROOT) : "");
            properties.put("path", path);
            if (!user.mobile) properties.put("url", "https://shop.example.com" + path);
            properties.put("product_id", product);
            return properties;
        }

        private ObjectNode traits() {
            ObjectNode traits = JsonNodeFactory.instance.objectNode();
            traits.put("email", user.userId + "@example.com");
            traits.put("plan", user.number % 3 == 0 ? "pro" : "free");
            return traits;
        }

        private ObjectNode context() {
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            ObjectNode library = context.putObject("library");
            library.put("name", "eddy-workload");
            library.put("version", "1");
            if (user.mobile) context.putObject("os").put("name", "iOS");
            return context;
        }
    }

    /** Builds a generator; seed, start and rate fix the stream. */
    public static final class Builder {
        private long seed = 1;
        private Instant start;
        private double rate = 100;
        private TrafficProfile profile = TrafficProfile.defaults();

        private Builder() {}

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Nominal send time of the first message; truncated to milliseconds. Required. */
        public Builder start(Instant value) {
            this.start = Objects.requireNonNull(value, "start");
            return this;
        }

        /** Events per second, which spaces the timestamps; default 100. */
        public Builder rate(double eventsPerSecond) {
            if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
                throw new IllegalArgumentException("rate must be positive and finite: " + eventsPerSecond);
            }
            this.rate = eventsPerSecond;
            return this;
        }

        public Builder profile(TrafficProfile value) {
            this.profile = Objects.requireNonNull(value, "profile");
            return this;
        }

        public TrafficGenerator build() {
            if (start == null) throw new IllegalStateException("start is required: it fixes every timestamp");
            return new TrafficGenerator(seed, start, rate, profile);
        }
    }
}
