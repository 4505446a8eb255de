package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.http.ClientDeparture;
import jakarta.enterprise.context.ApplicationScoped;

/** Sees a client leave by the end of its {@link GuardedConnection}'s input, read ahead while its answer is prepared. */
@ApplicationScoped
public class GuardedConnectionDeparture implements ClientDeparture {

    @Override
    public Watch watch(Runnable onDeparture) {
        return GuardedConnection.current().map(connection -> connection.watchForEnd(onDeparture))
                .orElseGet(() -> UNWATCHED.watch(onDeparture));
    }
}
