package dev.eddy.handlers.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * Posts an event to a handler's URL, once. The body is the event's canonical JSON as it is on
 * {@code eddy.events}; the headers carry its CloudEvents attributes ({@code ce-id}, {@code
 * ce-type} … : the request is a CloudEvent in the HTTP binding's binary mode) and an {@code
 * Idempotency-Key} that is the same for every attempt and every redelivery of the event, so a
 * receiver can drop the repeats that at-least-once delivery brings. Redirects are not followed.
 * HTTP/1.1: the client's default, HTTP/2, would ask a plain-http receiver to upgrade on every
 * post, which some webhook servers answer badly.
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
     * @param headers sent as they are, {@code Content-Type: application/json} added
     * @throws InterruptedException when the handler is stopping
     */
    public Outcome post(byte[] body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Eddy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return Outcome.ofStatus(response.statusCode());
        } catch (HttpTimeoutException e) {
            return Outcome.noAnswer("no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return Outcome.noAnswer("cannot connect to " + url.getHost() + ":" + port() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (IOException e) {
            return Outcome.noAnswer("post failed: " + e);
        }
    }

    private int port() {
        if (url.getPort() != -1) return url.getPort();
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
