package dev.vela.bootstrap.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.OptionalInt;

/**
 * How many connections the listener may hold open at once, derived from the process's file
 * descriptor limit. Helidon's listener ends for good when accepting fails (as it does once the
 * descriptors run out), so the listener must stop accepting before that: at this many open
 * connections it waits, and further clients stay in the kernel's accept queue until one closes.
 * Descriptors already open, and a reserve for what the process opens later (model files, sockets
 * to the model hub, log files), are left out.
 */
public final class ConnectionLimit {

    private static final long MIN_RESERVE = 32;
    private static final long MAX_RESERVE = 1024;

    private ConnectionLimit() {
    }

    /** The limit for this process now; empty where the platform does not report its descriptors. */
    public static OptionalInt derived() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(of(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount()));
    }

    /** The limit for a process allowed {@code max} descriptors with {@code open} of them in use: a quarter of the rest is held back, within 32 and 1024. */
    static int of(long max, long open) {
        long free = Math.max(0, max - open);
        long reserve = Math.clamp(free / 4, MIN_RESERVE, MAX_RESERVE);
        return (int) Math.clamp(free - reserve, 1, Integer.MAX_VALUE);
    }
}
