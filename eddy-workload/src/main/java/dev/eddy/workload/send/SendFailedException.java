package dev.eddy.workload.send;

/** A batch could not be delivered: the run is over and its ground truth does not hold. */
public class SendFailedException extends RuntimeException {
    public SendFailedException(String message) {
        super(message);
    }
}
