package io.holmes.internal.profiler;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback engine: a JDK Flight Recorder recording of execution samples and/or sampled allocations. It
 * needs no native library and runs beside any other recording in the JVM. Only the events Holmes asked for
 * are enabled, so the file carries no system properties or environment.
 */
public final class JfrSession implements AutoCloseable {

    /**
     * Held while one of Holmes' recordings starts and its repository is made private, and while that repository is
     * moved or given back: a recording that starts while another of Holmes' threads moves the repository would
     * write its first chunk into the directory left behind, which nobody then tightens.
     */
    public static final Object REPOSITORY_LOCK = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(JfrSession.class);

    /** JFR's execution sampler does not go below 10 ms on most platforms; neither do we ask it to. */
    static final Duration MIN_PERIOD = Duration.ofMillis(10);

    /**
     * How the fallback samples allocations: one event each time a thread takes a new TLAB, and one for each object
     * too large for a TLAB. These are the events async-profiler's allocation mode writes too, so a server that
     * files JFR events by type (Pyroscope: {@code alloc_in_new_tlab_*}, {@code alloc_outside_tlab_*}) puts both
     * engines' profiles under the same profile type. JFR's throttled {@code jdk.ObjectAllocationSample} would land
     * under {@code alloc_sample_*} instead.
     */
    public static final String ALLOCATION_SAMPLING = "each new TLAB and each allocation outside one";

    /** The allocation events the fallback records. */
    public static final List<String> ALLOCATION_EVENTS =
            List.of("jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB");

    private final Recording recording;
    private final Duration period;

    private JfrSession(Recording recording, Duration period) {
        this.recording = recording;
        this.period = period;
    }

    /**
     * Starts a recording.
     *
     * @param cpuPeriod  time between execution samples of each thread, or {@code null} for none
     * @param allocation whether to record sampled allocations
     */
    public static JfrSession start(Duration cpuPeriod, boolean allocation) throws ProfilerUnavailableException {
        if (!FlightRecorder.isAvailable()) {
            throw new ProfilerUnavailableException("JDK Flight Recorder is not available in this JVM", null);
        }
        Recording recording = new Recording();
        recording.setName("holmes");
        recording.setToDisk(true);
        Duration period = null;
        if (cpuPeriod != null) {
            period = cpuPeriod.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : cpuPeriod;
            recording.enable("jdk.ExecutionSample").withPeriod(period);
        }
        if (allocation) {
            for (String event : ALLOCATION_EVENTS) {
                recording.enable(event).withStackTrace();
            }
            // Sampled objects still alive when the recording stops, with the stack that allocated them; no path to
            // a GC root (cutoff 0), which would walk the heap.
            recording.enable("jdk.OldObjectSample").with("cutoff", "0 ns").withStackTrace();
        }
        synchronized (REPOSITORY_LOCK) {
            try {
                recording.start();
            } catch (RuntimeException e) {
                recording.close();
                throw new ProfilerUnavailableException("JDK Flight Recorder refused to start: " + e, e);
            }
            tightenRepository();
        }
        return new JfrSession(recording, period);
    }

    /**
     * JDK Flight Recorder writes a disk recording's chunks into its repository ({@code jdk.jfr.repository}, by
     * default a directory under {@code java.io.tmpdir}) with the process umask, typically readable by everyone.
     * Holmes makes the repository and its chunks owner-only as soon as its recording has started; a reader who
     * opened a chunk in the moment between could still read it, which README's privacy section states.
     */
    static void tightenRepository() {
        String repository = System.getProperty("jdk.jfr.repository");
        if (repository == null) {
            return;
        }
        Path directory = Path.of(repository);
        try {
            setOwnerOnly(directory, PosixFilePermissions.fromString("rwx------"));
            try (DirectoryStream<Path> chunks = Files.newDirectoryStream(directory)) {
                for (Path chunk : chunks) {
                    if (Files.isRegularFile(chunk, LinkOption.NOFOLLOW_LINKS)) {
                        setOwnerOnly(chunk, PosixFilePermissions.fromString("rw-------"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Holmes could not make the JFR repository {} owner-only: {}", repository, e.toString());
        }
    }

    private static void setOwnerOnly(Path path, Set<PosixFilePermission> most) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null || view.readAttributes().isSymbolicLink()) {
            return;
        }
        Set<PosixFilePermission> current = view.readAttributes().permissions();
        Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
        kept.addAll(current);
        kept.retainAll(most);
        if (!kept.equals(current)) {
            view.setPermissions(kept);
        }
    }

    /** The execution-sample period actually used, or {@code null} when CPU is not sampled. */
    public Duration period() {
        return period;
    }

    /** Stops the recording and writes it to {@code file}. */
    public void stopAndWrite(Path file) throws IOException {
        recording.stop();
        recording.dump(file);
    }

    /** Releases the recording; safe after {@link #stopAndWrite(Path)} and on its own. */
    @Override
    public void close() {
        recording.close();
    }
}
