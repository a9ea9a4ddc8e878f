package io.holmes.internal.profiler;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The async-profiler command strings Holmes sends, built by pure functions so that they are checked without
 * loading native code. Arguments are comma-separated, so a value that contains a comma cannot be expressed and
 * is refused rather than passed on half-parsed.
 */
public final class ProfilerCommands {

    /** Asks whether a session is running. */
    public static final String STATUS = "status";

    /** Ends the running session; with {@code jfr,file=...} at start, this is when the file is written. */
    public static final String STOP = "stop";

    private static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final String NOT_ACTIVE = "not active";

    private ProfilerCommands() {
    }

    /**
     * A command that starts one session recording into a JFR file.
     *
     * @param cpuEvent         the CPU sampling engine ({@code cpu}, {@code itimer}, ...), or {@code null} for none
     * @param cpuIntervalNanos CPU time between two CPU samples; ignored without {@code cpuEvent}
     * @param allocBytes       bytes allocated between two allocation samples, with the sampled objects still live at
     *                         the end kept by allocation site ({@code live}); 0 for no allocation profiling
     * @param jfr              the absolute path of the JFR file the session writes when it stops
     */
    public static String start(String cpuEvent, long cpuIntervalNanos, long allocBytes, Path jfr) {
        if (cpuEvent == null && allocBytes <= 0) {
            throw new IllegalArgumentException("a session needs a CPU event, an allocation interval, or both");
        }
        if (allocBytes < 0) {
            throw new IllegalArgumentException("allocation interval must not be negative, but was " + allocBytes);
        }
        if (jfr == null || !jfr.isAbsolute()) {
            throw new IllegalArgumentException("the JFR file must be an absolute path, but was " + jfr);
        }
        String file = jfr.toString();
        if (file.indexOf(',') >= 0) {
            throw new IllegalArgumentException(
                    "async-profiler separates arguments with commas; the path " + file + " contains one");
        }
        StringBuilder command = new StringBuilder("start");
        if (cpuEvent != null) {
            if (!EVENT_NAME.matcher(cpuEvent).matches()) {
                throw new IllegalArgumentException("not an async-profiler event name: " + cpuEvent);
            }
            if (cpuIntervalNanos <= 0) {
                throw new IllegalArgumentException("CPU interval must be positive, but was " + cpuIntervalNanos);
            }
            command.append(",event=").append(cpuEvent).append(",interval=").append(cpuIntervalNanos);
        }
        if (allocBytes > 0) {
            // live: the session also remembers which sampled objects are still reachable when it stops, and writes
            // them as profiler.LiveObject events; allocation events are written as before.
            command.append(",alloc=").append(allocBytes).append(",live");
        }
        return command.append(",jfr,file=").append(file).toString();
    }

    /** Whether the answer to {@link #STATUS} says a session is running. */
    public static boolean isActive(String statusAnswer) {
        return statusAnswer != null && !statusAnswer.toLowerCase(Locale.ROOT).contains(NOT_ACTIVE);
    }
}
