package io.holmes.internal.capture;

import io.holmes.internal.profiler.JfrSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.management.ObjectName;
import jdk.jfr.FlightRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Flight Recorder's chunk files away from other users. By default the JVM puts them in a directory under
 * {@code java.io.tmpdir} that, with the usual umask, anyone can list and read, and a look-back recording holds
 * stacks and class names all day long.
 *
 * <ul>
 *   <li>When no recording is running and the application did not choose a repository itself, the repository moves
 *       (through the {@code JFR.configure repositorypath=} diagnostic command, the supported way) into a fresh
 *       {@code 0700} directory of Holmes' own before the first chunk is written. {@link #release()} moves it back
 *       to where it was and deletes the directory, unless a recording of someone else's is using it by then.</li>
 *   <li>Otherwise the repository stays where the application put it, and only its directory is tightened to
 *       {@code 0700} when this user owns it; Holmes never moves a running recording of someone else's.</li>
 * </ul>
 */
final class PrivateRepository {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateRepository.class);
    private static final String REPOSITORY_PROPERTY = "jdk.jfr.repository";

    /** Holmes' own directory, or {@code null} when the repository stayed where it was. */
    private final Path own;
    private final Path previousBase;

    private PrivateRepository(Path own, Path previousBase) {
        this.own = own;
        this.previousBase = previousBase;
    }

    /** Makes the repository private as well as it can; never throws. */
    static PrivateRepository prepare() {
        try {
            if (!FlightRecorder.getFlightRecorder().getRecordings().isEmpty() || repositoryChosenByApplication()) {
                tightenCurrent();
                return new PrivateRepository(null, null);
            }
            Path previousBase = currentBase();
            Path own = Files.createTempDirectory("holmes-jfr-"); // 0700 on POSIX
            if (!safeArgument(own) || !safeArgument(previousBase)) {
                deleteTree(own);
                tightenCurrent();
                return new PrivateRepository(null, null);
            }
            configure(own);
            return new PrivateRepository(own, previousBase);
        } catch (Throwable e) {
            LOG.warn("Holmes could not give its look-back recording a private Flight Recorder repository ({}); "
                    + "it uses the JVM's", e.toString());
            tightenCurrent();
            return new PrivateRepository(null, null);
        }
    }

    /** Where the chunks go: Holmes' own directory, or the JVM's repository. */
    Path location() {
        String current = System.getProperty(REPOSITORY_PROPERTY);
        return own != null ? own : current == null ? null : Path.of(current);
    }

    /** Moves the repository back and deletes Holmes' directory, unless another recording still runs. Never throws. */
    void release() {
        if (own == null) {
            return;
        }
        try {
            synchronized (JfrSession.REPOSITORY_LOCK) {
                if (!FlightRecorder.getFlightRecorder().getRecordings().isEmpty()) {
                    LOG.info("Holmes leaves Flight Recorder's repository in {}: another recording is using it", own);
                    return;
                }
                configure(previousBase);
            }
            deleteTree(own);
        } catch (Throwable e) {
            LOG.debug("Holmes could not give Flight Recorder's repository back: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        Path where = location();
        return where == null ? "the JVM's repository" : where.toString();
    }

    private static boolean repositoryChosenByApplication() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return arguments.stream().anyMatch(a -> a.startsWith("-XX:FlightRecorderOptions") && a.contains("repository="));
    }

    /** The directory the JVM creates its repositories in: the parent of the current one, else the default. */
    private static Path currentBase() {
        String current = System.getProperty(REPOSITORY_PROPERTY);
        if (current != null) {
            Path parent = Path.of(current).getParent();
            if (parent != null) {
                return parent;
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A diagnostic command splits its arguments at blanks, and reads quotes. */
    private static boolean safeArgument(Path path) {
        return path.toString().chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'');
    }

    private static void configure(Path base) throws Exception {
        ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "jfrConfigure",
                new Object[] {new String[] {"repositorypath=" + base}}, new String[] {String[].class.getName()});
    }

    private static void tightenCurrent() {
        String current = System.getProperty(REPOSITORY_PROPERTY);
        if (current == null || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Path dir = Path.of(current);
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Holmes could not tighten Flight Recorder's repository {}: {}", current, e.toString());
        }
    }

    /** Deletes {@code root} and what it holds; links are removed, never followed. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
