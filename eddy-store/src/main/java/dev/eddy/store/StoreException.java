package dev.eddy.store;

/** A read or write of the views failed in the database. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
