package dev.eddy.runtime;

import dev.eddy.model.config.ConfigException;
import dev.eddy.model.config.EddyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that the fixed ports Eddy is set to listen on are free before anything starts: a port
 * in use is a one-line error naming the setting, not a stack trace after the broker and Flink
 * came up. Each port is tried on the address its part binds to; port 0 (any free one) needs no
 * check. Something could still take a port between the check and the bind; the part's own error
 * then stands.
 */
final class ListenPorts {
    private ListenPorts() {}

    static void requireFree(EddyConfig config) {
        requireFree(config.server().port(), "0.0.0.0", "server.port (--port)");
        if (config.kafka().embedded()) requireFree(config.kafka().port(), "127.0.0.1", "kafka.port (--kafka-port)");
        if (config.flink().embedded()) requireFree(config.flink().port(), "127.0.0.1", "flink.port (--flink-port)");
    }

    private static void requireFree(int port, String host, String setting) {
        if (port == 0) return;
        try (ServerSocket socket = new ServerSocket()) {
            // as the servers bind: a port left in TIME_WAIT by a previous run counts as free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException(setting + " " + port + " cannot be listened on (" + e.getMessage()
                    + "): stop what listens there (another Eddy?) or choose another port");
        }
    }
}
