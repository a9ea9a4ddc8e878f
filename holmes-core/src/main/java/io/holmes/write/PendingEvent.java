package io.holmes.write;

import io.holmes.DumpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An event whose files are being written. Each file appears whole under its final name; if the capture
 * fails, {@link #abort()} removes the files already written, so that no event is left half on disk.
 */
public final class PendingEvent {

    private final DumpDirectory directory;
    private final DumpType type;
    private final String stamp;
    private final Instant time;
    private final List<Path> files = new ArrayList<>();
    private final List<Path> scratch = new ArrayList<>();

    PendingEvent(DumpDirectory directory, DumpType type, String stamp, Instant time) {
        this.directory = directory;
        this.type = type;
        this.stamp = stamp;
        this.time = time;
    }

    public DumpType type() {
        return type;
    }

    /** The {@code yyyyMMdd-HHmmss.SSS} part of every file name of this event (UTC). */
    public String stamp() {
        return stamp;
    }

    /** The moment the stamp stands for. */
    public Instant time() {
        return time;
    }

    /** The final path of this event's file with {@code extension} (for example {@code "pb.gz"}). */
    public Path path(String extension) {
        return directory.directory().resolve(type.fileTag() + "." + stamp + "." + extension);
    }

    /** Writes {@code <type>.<stamp>.<extension>} whole, with owner-only permissions, and remembers it. */
    public Path write(String extension, ContentWriter content) throws IOException {
        Path target = path(extension);
        directory.writeAtomically(target, content);
        files.add(target);
        return target;
    }

    /**
     * A hidden temporary path in the dump directory for a file that another writer (a profiler, the JVM) creates
     * by name; {@link #adopt(Path, String)} then gives it its final name. The path ends in {@code .<last part of
     * extension>} (some writers insist on theirs, such as {@code .hprof}) and does not exist yet.
     */
    public Path scratch(String extension) throws IOException {
        directory.ensureDirectory();
        String suffix = extension.substring(extension.lastIndexOf('.') + 1);
        Path temp = directory.temporaryPath(path(extension));
        Path path = temp.resolveSibling(temp.getFileName() + "." + suffix);
        scratch.add(path);
        return path;
    }

    /**
     * Gives a finished scratch file its final name {@code <type>.<stamp>.<extension>} and owner-only
     * permissions, atomically, and remembers it.
     */
    public Path adopt(Path scratchFile, String extension) throws IOException {
        Path target = path(extension);
        directory.moveIntoPlace(scratchFile, target);
        scratch.remove(scratchFile);
        files.add(target);
        return target;
    }

    /** Copies {@code source} whole to {@code <type>.<stamp>.<extension>} and remembers it. */
    public Path copy(Path source, String extension) throws IOException {
        return write(extension, out -> Files.copy(source, out));
    }

    /** The files written so far, in order. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Deletes the files written so far, the event JSON if it was written, and scratch files. Never throws. */
    public void abort() {
        for (Path file : files) {
            directory.deleteQuietly(file);
        }
        files.clear();
        directory.deleteQuietly(path("json"));
        discardScratch();
    }

    /** Deletes scratch files that were not adopted. Never throws. */
    public void discardScratch() {
        for (Path file : scratch) {
            directory.deleteQuietly(file);
        }
        scratch.clear();
    }
}
