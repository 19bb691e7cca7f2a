package dev.eddy.model.funnels;

import dev.eddy.model.EventType;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configured funnels as the analytics job follows them: every step of every funnel is one
 * bit of a long, funnel after funnel in the order given, so the job can carry which steps an
 * event is of as one number ({@link #stepsOf}) and keep them per session.
 *
 * <p>{@link #id()} names this layout: state kept under another one (the funnels changed between
 * two runs of the job) is not read under this one.
 */
public final class Funnels implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Funnels NONE = new Funnels(List.of());

    private final List<Funnel> funnels;
    private final int[] offsets;
    private final long[] definitions;
    private final long id;

    public Funnels(List<Funnel> funnels) {
        this.funnels = List.copyOf(funnels);
        this.offsets = new int[this.funnels.size()];
        int bits = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = bits;
            bits += this.funnels.get(i).steps().size();
        }
        if (bits > Funnel.MAX_STEPS_IN_ALL) {
            throw new IllegalArgumentException("funnels: " + bits + " steps in all, at most " + Funnel.MAX_STEPS_IN_ALL);
        }
        this.definitions = new long[this.funnels.size()];
        for (int i = 0; i < definitions.length; i++) definitions[i] = hash(List.of(this.funnels.get(i)));
        this.id = this.funnels.isEmpty() ? 0 : hash(this.funnels);
    }

    /** The config's funnels ({@code funnels.<name>}), in its order. */
    public static Funnels of(Map<String, List<FunnelStep>> configured) {
        List<Funnel> funnels = new ArrayList<>();
        configured.forEach((name, steps) -> funnels.add(new Funnel(name, steps)));
        return new Funnels(funnels);
    }

    public List<Funnel> list() {
        return funnels;
    }

    public int size() {
        return funnels.size();
    }

    public boolean isEmpty() {
        return funnels.isEmpty();
    }

    public Funnel get(int index) {
        return funnels.get(index);
    }

    /**
     * The layout's name: 0 for no funnels, else a hash of their names and steps in order. The job
     * keeps its funnel state under it: it must stay the same from version to version (FunnelsTest pins it).
     */
    public long id() {
        return id;
    }

    /** A hash of funnel {@code index}'s name and steps: figures counted under another one are not its. */
    public long definition(int index) {
        return definitions[index];
    }

    /** Whether a funnel of this name and {@link #definition} is followed. */
    public boolean follows(String name, long definition) {
        for (int i = 0; i < funnels.size(); i++) {
            if (definitions[i] == definition && funnels.get(i).name().equals(name)) return true;
        }
        return false;
    }

    /**
     * The steps an event is of, a bit each ({@link #bit}); 0 for none.
     *
     * @param event a track call's event name
     * @param name a page or screen call's name
     */
    public long stepsOf(EventType type, String event, String name) {
        long steps = 0;
        for (int f = 0; f < funnels.size(); f++) {
            List<FunnelStep> of = funnels.get(f).steps();
            for (int s = 0; s < of.size(); s++) {
                if (of.get(s).matches(type, event, name)) steps |= bit(f, s);
            }
        }
        return steps;
    }

    /** The bit of step {@code step} of funnel {@code funnel}. */
    public long bit(int funnel, int step) {
        return 1L << (offsets[funnel] + step);
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        sha.update(bytes);
    }

    private static long hash(List<Funnel> funnels) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // each text after its length: no name or step can end early and make two layouts one
            for (Funnel funnel : funnels) {
                update(sha, funnel.name());
                for (FunnelStep step : funnel.steps()) update(sha, step.toString());
                update(sha, "");
            }
            byte[] digest = sha.digest();
            long id = 0;
            for (int i = 0; i < 8; i++) id = id << 8 | (digest[i] & 0xff);
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
