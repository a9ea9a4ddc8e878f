package io.holmes.write;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.ProfileReporter;
import io.holmes.internal.OnceLogger;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dump directory, and the reporter that always runs: it writes each event's JSON beside its captures
 * and then holds the disk budget, deleting the oldest events first. Every file is written under a hidden
 * temporary name and renamed into place, so a reader (or a crash) never sees half a file. On POSIX file
 * systems the directory Holmes creates is {@code rwx------} and every file {@code rw-------}: thread and heap
 * dumps hold secrets. Only files named like Holmes' own ({@code <type>.<stamp>.<ext>}) are ever deleted.
 */
public final class DumpDirectory implements ProfileReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DumpDirectory.class);

    /** File stamps are UTC, so that names sort by time across daylight-saving changes. */
    public static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    /** {@code <type>.<yyyyMMdd-HHmmss.SSS>.<ext>}: the only names Holmes reads back or deletes. */
    static final Pattern EVENT_FILE = Pattern.compile("^(cpu|mem|thread)\\.(\\d{8}-\\d{6}\\.\\d{3})\\.(.+)$");
    private static final Pattern TEMP_FILE = Pattern.compile("^\\.(cpu|mem|thread)\\.\\d{8}-\\d{6}\\.\\d{3}\\..+\\.tmp(\\.[a-z]+)?$");
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;
    private final DiskBudget budget;
    private final Clock clock;
    private final boolean posix;
    private final OnceLogger warnings = new OnceLogger(LOG);

    private long lastStampMillis = Long.MIN_VALUE;
    private volatile long bytesOnDisk;
    private volatile int eventsOnDisk;

    public DumpDirectory(Path directory, DiskBudget budget, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.budget = budget;
        this.clock = clock;
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    public Path directory() {
        return directory;
    }

    public DiskBudget budget() {
        return budget;
    }

    /** Bytes held by Holmes' event files after the last write, as counted by the budget. */
    public long bytesOnDisk() {
        return bytesOnDisk;
    }

    /** Events held in the directory after the last write. */
    public int eventsOnDisk() {
        return eventsOnDisk;
    }

    /**
     * Reserves a stamp for a new event of {@code type} and makes sure the directory exists (it may have been
     * removed while Holmes ran). Stamps of one directory are unique: two events in the same millisecond get
     * consecutive milliseconds.
     */
    public synchronized PendingEvent begin(DumpType type) throws IOException {
        ensureDirectory();
        long millis = Math.max(clock.millis(), lastStampMillis + 1);
        String stamp = STAMP.format(Instant.ofEpochMilli(millis));
        while (Files.exists(directory.resolve(type.fileTag() + "." + stamp + ".json"), LinkOption.NOFOLLOW_LINKS)) {
            millis++;
            stamp = STAMP.format(Instant.ofEpochMilli(millis));
        }
        lastStampMillis = millis;
        return new PendingEvent(this, type, stamp, Instant.ofEpochMilli(millis));
    }

    /**
     * Writes the event's JSON (the {@code .json} entry of {@link DumpEvent#files()}) and then holds the budget.
     * Called by Holmes on the capture thread, before any other reporter sees the event.
     */
    @Override
    public void report(DumpEvent event) throws IOException {
        Path json = null;
        for (Path file : event.files()) {
            if (file.getFileName().toString().endsWith(".json")) {
                json = file;
            }
        }
        if (json == null) {
            throw new IllegalArgumentException("event " + event.id() + " names no .json file");
        }
        byte[] content = EventJson.toJson(event).getBytes(StandardCharsets.UTF_8);
        writeAtomically(json, out -> out.write(content));
        enforceBudget();
    }

    void ensureDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("dump path " + directory + " exists but is not a directory");
        }
        Path parent = directory.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                // The umask may have removed bits but never adds any; set the mode exactly all the same.
                Files.setPosixFilePermissions(directory, OWNER_DIR);
            } else {
                Files.createDirectory(directory);
            }
            LOG.info("Holmes dump directory created: {}", directory);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(directory)) {
                throw raced;
            }
        }
    }

    /** A hidden, unique temporary name beside {@code target}, which the stale-file sweep recognises. */
    Path temporaryPath(Path target) {
        return directory.resolve("." + target.getFileName() + "." + Long.toHexString(
                ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
    }

    /** Renames a finished temporary file onto {@code target} with owner-only permissions. */
    void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            if (posix) {
                Files.setPosixFilePermissions(temp, OWNER_FILE);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    void writeAtomically(Path target, ContentWriter content) throws IOException {
        ensureDirectory();
        Path temp = temporaryPath(target);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        try {
            try (FileChannel channel = FileChannel.open(temp,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                // Some writers (the profile converters) close the stream they are given; the file is ours to close.
                content.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                });
                out.flush();
                channel.force(true);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
        moveIntoPlace(temp, target);
    }

    void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            warnings.warn("delete", "Holmes could not delete {}: {}", file, e.toString());
        }
    }

    /** Groups Holmes' event files by event; other files in the directory are left alone. */
    public List<StoredEvent> storedEvents() throws IOException {
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        Instant staleBefore = clock.instant().minus(STALE_TEMP);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                Matcher m = EVENT_FILE.matcher(name);
                if (m.matches()) {
                    String key = m.group(1) + "." + m.group(2);
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(file);
                    sizes.merge(key, sizeOf(file), Long::sum);
                } else if (TEMP_FILE.matcher(name).matches() && isOlder(file, staleBefore)) {
                    // Left behind by a process that died mid-write.
                    deleteQuietly(file);
                }
            }
        } catch (NoSuchFileException gone) {
            return List.of();
        }
        List<StoredEvent> events = new ArrayList<>(groups.size());
        for (Map.Entry<String, List<Path>> group : groups.entrySet()) {
            String key = group.getKey();
            int dot = key.indexOf('.');
            events.add(new StoredEvent(key.substring(0, dot), key.substring(dot + 1), group.getValue(), sizes.get(key)));
        }
        return events;
    }

    private void enforceBudget() throws IOException {
        List<StoredEvent> stored = storedEvents();
        long bytes = 0;
        for (StoredEvent event : stored) {
            bytes += event.bytes();
        }
        int events = stored.size();
        for (StoredEvent evicted : budget.evictions(stored)) {
            for (Path file : evicted.files()) {
                deleteQuietly(file);
            }
            bytes -= evicted.bytes();
            events--;
            LOG.debug("Holmes evicted event {}.{} ({} bytes) to hold the disk budget",
                    evicted.type(), evicted.stamp(), evicted.bytes());
        }
        if (bytes > budget.maxBytes()) {
            warnings.warn("oversize", "Holmes' newest event alone is {} bytes, above the disk budget of {} bytes;"
                    + " it is kept, every older event was removed", bytes, budget.maxBytes());
        }
        bytesOnDisk = bytes;
        eventsOnDisk = events;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isOlder(Path file, Instant limit) {
        try {
            FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
            return modified.toInstant().isBefore(limit);
        } catch (IOException e) {
            return false;
        }
    }
}
