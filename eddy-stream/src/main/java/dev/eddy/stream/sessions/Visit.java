package dev.eddy.stream.sessions;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * An event the per-minute series counted, as the sessions need it: its visitor, its time and the funnel steps it is of. No
 * JSON bytes: every counted event of a visitor crosses the network once more as one of these.
 *
 * @param visitorKey {@code Event#visitorKey()}, never null
 * @param timestampMillis event time, epoch milliseconds
 * @param funnelSteps the funnel steps the event is of ({@code Funnels#stepsOf}), 0 for none
 */
@TypeInfo(VisitSerializer.Factory.class)
public record Visit(String visitorKey, long timestampMillis, long funnelSteps) {}
