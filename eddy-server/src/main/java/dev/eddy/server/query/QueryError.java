package dev.eddy.server.query;

import java.util.List;
import java.util.Map;

/** A query the API refuses with 400: which parameter, and why. */
final class QueryError extends RuntimeException {
    final String field;

    QueryError(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The query API's error body: which field, and why. */
    static Map<String, Object> body(String field, String message) {
        return Map.of("success", false, "errors", List.of(Map.of("field", field, "message", message)));
    }

    /** The query API's error body for a failure of no field of the request. */
    static Map<String, Object> body(String message) {
        return Map.of("success", false, "errors", List.of(Map.of("message", message)));
    }
}
