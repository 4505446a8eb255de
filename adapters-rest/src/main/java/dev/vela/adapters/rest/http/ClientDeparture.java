package dev.vela.adapters.rest.http;

/**
 * Tells a request's answer that its client has gone away, which nothing the answer writes would
 * show in time: a JSON answer is written only once it is whole, and a stream's first write after
 * the client closed still succeeds into the kernel's buffer.
 */
public interface ClientDeparture {

    /** Never notices a departure: for answers served outside a connection Vela watches. */
    ClientDeparture UNWATCHED = onDeparture -> () -> { };

    /**
     * Runs {@code onDeparture} once, on any thread, if the client of the request that the calling
     * thread serves closes its connection before the returned watch is closed. Called once the
     * request's body has been read: whatever the client sends after it is kept for its next request.
     */
    Watch watch(Runnable onDeparture);

    /** One answer's watch on its client. */
    interface Watch extends AutoCloseable {

        /** Ends the watch: a departure after it runs nothing. */
        @Override
        void close();
    }
}
