package dev.eddy.handlers.webhook;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Posts an event (or alert) to a handler's URL, once. The body is the record's value as it is on
 * the handler's topic (an event's canonical JSON, an alert's JSON); the headers carry its
 * CloudEvents attributes ({@code ce-id}, {@code ce-type} … : the request is a CloudEvent in the
 * HTTP binding's binary mode) and an {@code Idempotency-Key} that is the same for every attempt
 * and every redelivery of the event, so a receiver can drop the repeats that at-least-once
 * delivery brings. Redirects are not followed. HTTP/1.1: the client's default, HTTP/2, would ask a
 * plain-http receiver to upgrade on every post, which some webhook servers answer badly.
 */
public final class WebhookPoster {
    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    public WebhookPoster(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Starts the post. The outcome comes within the timeout, whatever the receiver does: the
     * client's own request timeout ends when the answer's headers arrive, so a receiver that
     * then stalls the body is cancelled here, which also closes the connection.
     *
     * @param headers sent as they are, {@code Content-Type: application/json} added
     * @return never fails but by being cancelled, which cancels the request too: every way a post
     *     can go wrong is an {@link Outcome}
     */
    public CompletableFuture<Outcome> post(byte[] body, Map<String, String> headers) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Eddy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Outcome.unpostable("cannot make the request: " + e.getMessage()));
        }
        CompletableFuture<HttpResponse<Void>> sending = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        // cancelling the client's future aborts the exchange; completing it some other way would not
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> sending.cancel(true));
        CompletableFuture<Outcome> outcome = sending.handle((response, failure) -> failure == null
                ? Outcome.ofStatus(response.statusCode(), RetryAfter.parse(
                        response.headers().firstValue("Retry-After").orElse(null), Instant.now()).orElse(Duration.ZERO))
                : Outcome.noAnswer(reason(failure)));
        outcome.whenComplete((done, failure) -> {
            if (failure instanceof CancellationException) sending.cancel(true);
        });
        return outcome;
    }

    private String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException || cause instanceof CancellationException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect to " + url.getHost() + ":" + port() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return "post failed: " + cause;
    }

    private int port() {
        if (url.getPort() != -1) return url.getPort();
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
