package io.holmes.internal.write;

import io.holmes.DumpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * An event whose files are being written, under a stamp claimed for it alone. Each file appears whole under its
 * final name; if the capture fails, {@link #abort()} removes the files already written and gives the stamp free,
 * so that no event is left half on disk.
 */
public final class PendingEvent {

    private final DumpDirectory directory;
    private final Path dir;
    private final DumpType type;
    private final String stamp;
    private final Instant time;
    private final Path claim;
    /** The directory's {@link DumpDirectory#generation()} when this event began. */
    private final long generation;
    private final List<Path> files = new ArrayList<>();
    private final List<Path> scratch = new ArrayList<>();

    PendingEvent(DumpDirectory directory, Path dir, DumpType type, String stamp, Instant time, Path claim,
                 long generation) {
        this.directory = directory;
        this.dir = dir;
        this.type = type;
        this.stamp = stamp;
        this.time = time;
        this.claim = claim;
        this.generation = generation;
    }

    /**
     * Whether Holmes stopped while this event was written (its scratch directory is gone): it can write no more
     * files and is to be aborted. A failure of a stopped event is the stop's doing, not the disk's.
     */
    public boolean stopped() {
        return directory.closedSince(generation);
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
        return dir.resolve(type.fileTag() + "." + stamp + "." + extension);
    }

    /** Writes {@code <type>.<stamp>.<extension>} whole, with owner-only permissions, and remembers it. */
    public Path write(String extension, ContentWriter content) throws IOException {
        Path target = path(extension);
        directory.writeAtomically(target, content, generation);
        files.add(target);
        return target;
    }

    /**
     * A path in Holmes' private scratch directory ({@code 0700}) for a file that another writer (a profiler, the
     * JVM) creates by name, so that no other user can open it while it is written; {@link #adopt(Path, String)}
     * then gives it its final name. The path ends in {@code .<last part of extension>} (some writers insist on
     * theirs, such as {@code .hprof}) and does not exist yet.
     */
    public Path scratch(String extension) throws IOException {
        String suffix = extension.substring(extension.lastIndexOf('.') + 1);
        Path path = directory.scratchPath(type.fileTag() + "." + stamp, suffix, generation);
        scratch.add(path);
        return path;
    }

    /**
     * Gives a finished scratch file its final name {@code <type>.<stamp>.<extension>} and owner-only
     * permissions, atomically, and remembers it.
     */
    public Path adopt(Path scratchFile, String extension) throws IOException {
        if (stopped()) {
            throw new CancellationException("Holmes stopped while " + scratchFile.getFileName() + " was being written");
        }
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

    /** Why a heap dump of about {@code bytes} must be skipped now, or empty when it fits. */
    public Optional<String> heapDumpRefusal(long bytes) {
        return directory.heapDumpRefusal(bytes);
    }

    /** Deletes one file written so far and forgets it, so that the event goes on without it. Never throws. */
    public void discard(Path file) {
        if (files.remove(file)) {
            directory.deleteQuietly(file);
        }
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
        directory.releaseClaim(claim);
    }

    /** Deletes scratch files that were not adopted. Never throws. */
    public void discardScratch() {
        for (Path file : scratch) {
            directory.deleteQuietly(file);
        }
        scratch.clear();
    }
}
