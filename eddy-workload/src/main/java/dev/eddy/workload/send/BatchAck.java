package dev.eddy.workload.send;

/**
 * A batch the server acknowledged.
 *
 * @param attempts requests it took, the successful one included
 */
public record BatchAck(int attempts) {}
