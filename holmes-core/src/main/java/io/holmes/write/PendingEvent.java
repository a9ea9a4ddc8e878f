package io.holmes.write;

import io.holmes.DumpType;
import java.io.IOException;
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

    /** The files written so far, in order. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Deletes the files written so far. Never throws. */
    public void abort() {
        for (Path file : files) {
            directory.deleteQuietly(file);
        }
        files.clear();
    }
}
