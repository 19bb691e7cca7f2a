package dev.eddy.workload.traffic;

import dev.eddy.model.funnels.Funnel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The shape of the simulated traffic: the funnel every session walks, how many users there
 * are and what kind, how many sessions run at once, and how much timestamps may be out of order.
 *
 * @param funnel the steps of a session; a session starts at the first and stops at the first
 *     step whose continue draw fails, or after the last
 * @param users size of the user population sessions are drawn from
 * @param anonymousShare share of users who never identify: their events carry only an anonymousId
 * @param loginShare share of the known users' sessions that start anonymous and send an identify
 *     call after the first step (the others are already logged in and carry their userId throughout)
 * @param mobileShare share of users on a mobile app: their page steps are screen calls
 * @param concurrentSessions sessions interleaved at any moment
 * @param maxDisorder how far an event's timestamp may lie before its nominal send time, so
 *     events arrive slightly out of order
 * @param outage a step no session reaches at times, or null for none
 */
public record TrafficProfile(
        List<FunnelStep> funnel,
        int users,
        double anonymousShare,
        double loginShare,
        double mobileShare,
        int concurrentSessions,
        Duration maxDisorder,
        Outage outage) {

    /** Home → Product → Product Added → Checkout Started → Order Completed, with drop-off at each step. */
    public static final List<FunnelStep> SHOP_FUNNEL = List.of(
            FunnelStep.page("Home", 0.7),
            FunnelStep.page("Product", 0.5),
            FunnelStep.track("Product Added", 0.6),
            FunnelStep.track("Checkout Started", 0.7),
            FunnelStep.track("Order Completed", 0));

    /**
     * The shop funnel as the analytics job follows it, {@code funnels.checkout}: what {@code eddy
     * demo} shows when the config declares no funnel, and what the truth of {@code eddy generate}
     * counts by default.
     */
    public static final Funnel CHECKOUT = new Funnel("checkout", SHOP_FUNNEL.stream().map(FunnelStep::toModel).toList());

    public TrafficProfile {
        funnel = List.copyOf(Objects.requireNonNull(funnel, "funnel"));
        Objects.requireNonNull(maxDisorder, "maxDisorder");
        if (funnel.isEmpty()) throw new IllegalArgumentException("the funnel needs at least one step");
        if (users < 1) throw new IllegalArgumentException("users must be at least 1: " + users);
        if (concurrentSessions < 1) {
            throw new IllegalArgumentException("concurrentSessions must be at least 1: " + concurrentSessions);
        }
        requireShare("anonymousShare", anonymousShare);
        requireShare("loginShare", loginShare);
        requireShare("mobileShare", mobileShare);
        // beyond the pipeline's allowed lateness (1 h) events would be dropped as late and truth would be off
        if (maxDisorder.isNegative() || maxDisorder.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("maxDisorder must be within [0, 10 min]: " + maxDisorder);
        }
    }

    /** The shop funnel, 5,000 users (30 % anonymous, 20 % mobile), 50 concurrent sessions, up to 2 s of disorder, no outage. */
    public static TrafficProfile defaults() {
        return new TrafficProfile(SHOP_FUNNEL, 5_000, 0.3, 0.5, 0.2, 50, Duration.ofSeconds(2), null);
    }

    public TrafficProfile withFunnel(List<FunnelStep> steps) {
        return new TrafficProfile(steps, users, anonymousShare, loginShare, mobileShare, concurrentSessions, maxDisorder, outage);
    }

    public TrafficProfile withUsers(int count) {
        return new TrafficProfile(funnel, count, anonymousShare, loginShare, mobileShare, concurrentSessions, maxDisorder, outage);
    }

    public TrafficProfile withConcurrentSessions(int count) {
        return new TrafficProfile(funnel, users, anonymousShare, loginShare, mobileShare, count, maxDisorder, outage);
    }

    public TrafficProfile withMaxDisorder(Duration disorder) {
        return new TrafficProfile(funnel, users, anonymousShare, loginShare, mobileShare, concurrentSessions, disorder, outage);
    }

    /** @param value the outage, or null for none */
    public TrafficProfile withOutage(Outage value) {
        if (value != null && funnel.stream().noneMatch(step -> step.name().equals(value.step()))) {
            throw new IllegalArgumentException("the outage's step '" + value.step() + "' is not a step of the funnel");
        }
        return new TrafficProfile(funnel, users, anonymousShare, loginShare, mobileShare, concurrentSessions, maxDisorder, value);
    }

    public TrafficProfile withShares(double anonymous, double login, double mobile) {
        return new TrafficProfile(funnel, users, anonymous, login, mobile, concurrentSessions, maxDisorder, outage);
    }

    private static void requireShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
    }
}
