package dev.eddy.stream.funnels;

/**
 * One funnel's figures for the sessions started in one minute, and whether they changed since
 * last emitted.
 *
 * @param total the minute's deltas summed
 * @param dirty whether the figures changed since they were last emitted
 */
public record FunnelTally(FunnelDelta total, boolean dirty) {

    /**
     * With the delta summed in; a delta counted under another definition of the funnel (the
     * config changed between two runs) starts the figures over.
     */
    public static FunnelTally plus(FunnelTally tally, FunnelDelta delta) {
        boolean sameFunnel = tally != null && tally.total.definition() == delta.definition();
        return new FunnelTally(sameFunnel ? tally.total.plus(delta) : delta, true);
    }

    public FunnelTally emitted() {
        return new FunnelTally(total, false);
    }
}
