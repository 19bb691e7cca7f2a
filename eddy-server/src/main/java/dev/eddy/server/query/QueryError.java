package dev.eddy.server.query;

/** A query the API refuses with 400: which parameter, and why. */
final class QueryError extends RuntimeException {
    final String field;

    QueryError(String field, String message) {
        super(message);
        this.field = field;
    }
}
