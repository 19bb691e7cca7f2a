package dev.eddy.handlers.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * A real webhook receiver on a free local port: keeps every request and answers the status its
 * script gives for the nth (from 1), or for the request itself; the script may block to hold a
 * request up.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as received: lower-case header names, the first value of each. */
    public record Request(Map<String, String> headers, byte[] body, Instant at) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public WebhookReceiver(IntUnaryOperator statusOfNth) throws IOException {
        this(statusOfNth, Map.of());
    }

    /** @param answerHeaders sent with every answer, e.g. {@code Retry-After} */
    public WebhookReceiver(IntUnaryOperator statusOfNth, Map<String, String> answerHeaders) throws IOException {
        this((request, nth) -> statusOfNth.applyAsInt(nth), answerHeaders);
    }

    /** Answers by what was posted, whatever the order of the posts, e.g. by {@code ce-id}. */
    public static WebhookReceiver answeringBy(ToIntFunction<Request> statusOf) throws IOException {
        return new WebhookReceiver((request, nth) -> statusOf.applyAsInt(request), Map.of());
    }

    private interface Script {
        int status(Request request, int nth);
    }

    private WebhookReceiver(Script script, Map<String, String> answerHeaders) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            Request request = new Request(headers, body, Instant.now());
            int nth;
            synchronized (requests) {
                requests.add(request);
                nth = requests.size();
            }
            // outside the lock: a script that holds this request up must not hold up the next
            int status = script.status(request, nth);
            answerHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        // a thread per request, for the same reason
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public static WebhookReceiver answering(int status) throws IOException {
        return new WebhookReceiver(n -> status);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
