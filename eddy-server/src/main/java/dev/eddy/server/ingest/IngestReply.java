package dev.eddy.server.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eddy.model.ingest.FieldError;
import java.util.List;

/**
 * The ingest response body: {@code {"success":true}}, or
 * {@code {"success":false,"accepted":n,"errors":[{"index":i,"field":"…","message":"…"}]}}.
 * Index -1 is the request as a whole.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record IngestReply(boolean success, Integer accepted, List<FieldError> errors) {
    static IngestReply ok() {
        return new IngestReply(true, null, null);
    }

    static IngestReply failed(int accepted, List<FieldError> errors) {
        return new IngestReply(false, accepted, errors);
    }

    static IngestReply requestError(String field, String message) {
        return failed(0, List.of(new FieldError(-1, field, message)));
    }
}
