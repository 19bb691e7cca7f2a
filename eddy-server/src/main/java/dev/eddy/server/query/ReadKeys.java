package dev.eddy.server.query;

import io.javalin.http.Context;
import java.util.Set;

/**
 * Who may read the views: callers holding a read key, sent as {@code Authorization: Bearer <key>}.
 * The live feed also takes it as {@code ?key=}: a browser's {@code EventSource} cannot send
 * headers.
 */
final class ReadKeys {
    private final Set<String> keys;

    ReadKeys(Set<String> keys) {
        this.keys = Set.copyOf(keys);
    }

    /** True if the request holds a read key in its header; else answers 401 and returns false. */
    boolean authorize(Context ctx) {
        return authorize(ctx, bearer(ctx), "Authorization", "send Authorization: Bearer <read key>");
    }

    /** As {@link #authorize(Context)}, but the key may also come as the {@code key} query parameter. */
    boolean authorizeHeaderOrParam(Context ctx) {
        String key = bearer(ctx);
        return key != null
                ? authorize(ctx, key, "Authorization", null)
                : authorize(ctx, ctx.queryParam("key"), "key", "send Authorization: Bearer <read key>, or ?key=<read key>");
    }

    private boolean authorize(Context ctx, String key, String field, String howToSendOne) {
        if (key != null && keys.contains(key)) return true;
        ctx.header("WWW-Authenticate", "Bearer");
        ctx.status(401).json(QueryError.body(field, key == null ? "missing read key: " + howToSendOne : "unknown read key"));
        return false;
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }
}
