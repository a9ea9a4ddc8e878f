package io.holmes.internal.write;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.ProfileReporter;
import io.holmes.UntrustedDirectoryException;
import io.holmes.internal.OnceLogger;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dump directory, and the reporter that always runs: it writes each event's JSON beside its captures
 * and then holds the disk budget, deleting the oldest events first.
 *
 * <p>Holmes writes only into a directory it can trust (see {@link TrustedDirectory}): owned by the process's
 * user, not writable by group or others, not reached through another user's symbolic link. A directory of its own
 * user that is too open is tightened with one WARN; any other is refused with one WARN, and captures fail with an
 * {@link UntrustedDirectoryException}. On POSIX file systems the directory Holmes creates is {@code rwx------} and
 * every file {@code rw-------}.
 *
 * <p>Every file is first written in this instance's private scratch directory ({@code .scratch.<id>}, {@code 0700},
 * see {@link Scratch}) and then renamed into place, so a reader (or a crash) never sees half a file and no other
 * user can open a file while it is written. Files are created exclusively and never through a symbolic link;
 * permissions are never set through one.
 *
 * <p>Instances and processes may share a directory: each event's stamp is claimed by creating
 * {@code .<type>.<stamp>.claim} exclusively, so no two writers ever use the same names, and an event whose claim
 * is held by a live writer is never evicted. What dead writers left (scratch directories, events without their
 * JSON) is counted in {@link #bytesOnDisk()} and removed at {@link #open()} and before every budget check. Only
 * files named like Holmes' own ({@code <type>.<stamp>.<ext>}) are ever deleted.
 */
public final class DumpDirectory implements ProfileReporter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DumpDirectory.class);

    /** File stamps are UTC, so that names sort by time across daylight-saving changes. */
    public static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    /** {@code <type>.<yyyyMMdd-HHmmss.SSS>.<ext>}: the only names Holmes reads back or deletes. */
    static final Pattern EVENT_FILE = Pattern.compile("^(cpu|mem|thread)\\.(\\d{8}-\\d{6}\\.\\d{3})\\.(.+)$");
    /** {@code .<type>.<stamp>.claim}: the stamp is taken by a writer. */
    static final Pattern CLAIM_FILE = Pattern.compile("^\\.(cpu|mem|thread)\\.(\\d{8}-\\d{6}\\.\\d{3})\\.claim$");
    /** Temporary files of earlier versions, written beside the events; removed once an hour old. */
    private static final Pattern LEGACY_TEMP_FILE =
            Pattern.compile("^\\.(cpu|mem|thread)\\.\\d{8}-\\d{6}\\.\\d{3}\\..+\\.tmp(\\.[a-z]+)?$");
    private static final Duration STALE_LEGACY_TEMP = Duration.ofHours(1);
    /** A claim whose writer has not yet written its id is that writer being born, unless it is this old. */
    private static final Duration NEWBORN_CLAIM = Duration.ofMinutes(1);

    private final Path directory;
    private final DiskBudget budget;
    private final Clock clock;
    private final boolean posix;
    private final OnceLogger warnings = new OnceLogger(LOG);

    private UserPrincipal user;
    private Path real;
    private Scratch scratch;
    /** Claims of the events this instance is writing; the scratch directory lives while there is one. */
    private final Set<Path> heldClaims = new HashSet<>();
    private long lastStampMillis = Long.MIN_VALUE;
    /** How often the scratch directory was removed; an event begun before the latest removal may write no more. */
    private long closings;
    private volatile long bytesOnDisk;
    private volatile int eventsOnDisk;

    public DumpDirectory(Path directory, DiskBudget budget, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.budget = budget;
        this.clock = clock;
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** The dump path as configured. */
    public Path directory() {
        return directory;
    }

    public DiskBudget budget() {
        return budget;
    }

    /**
     * Bytes under the dump directory after the latest check: Holmes' events (those being written too), live
     * scratch directories, and what dead writers left until it is swept.
     */
    public long bytesOnDisk() {
        return bytesOnDisk;
    }

    /** Events held in the directory after the latest check. */
    public int eventsOnDisk() {
        return eventsOnDisk;
    }

    /**
     * Checks the directory, removes what dead writers left and holds the budget; called when Holmes starts, on its
     * capture thread. Refusal and failure are logged (one WARN), never thrown.
     */
    public void open() {
        try {
            Path dir = ensureDirectory();
            enforceBudget(dir, null);
            warnings.clear("open");
        } catch (UntrustedDirectoryException refused) {
            // Already warned.
        } catch (IOException | RuntimeException e) {
            warnings.warn("open", "Holmes could not prepare its dump directory {}: {}", directory, e.toString());
        }
    }

    /**
     * Removes this instance's scratch directory; the next capture makes a new one. An event begun before is stopped:
     * it may write no more files ({@link PendingEvent#stopped()}), and its writer, which may still be finishing after
     * Holmes stopped waiting for it, aborts it. Never throws.
     */
    @Override
    public synchronized void close() {
        closings++;
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }

    /** Whether the scratch directory was removed since {@code generation} ({@link #generation()}) was read. */
    synchronized boolean closedSince(long generation) {
        return closings != generation;
    }

    synchronized long generation() {
        return closings;
    }

    /**
     * Claims a stamp for a new event of {@code type} and makes sure the directory exists (it may have been
     * removed while Holmes ran) and can be trusted. Stamps are unique across instances and processes sharing the
     * directory: a taken millisecond moves the event to the next free one. The stamp stays claimed until the
     * event's JSON is written ({@link #report(DumpEvent)}) or the event is aborted.
     */
    public synchronized PendingEvent begin(DumpType type) throws IOException {
        Path dir = ensureDirectory();
        Scratch mine = scratch(dir);
        long millis = Math.max(clock.millis(), lastStampMillis + 1);
        for (int attempt = 0; attempt < 100_000; attempt++, millis++) {
            String stamp = STAMP.format(Instant.ofEpochMilli(millis));
            String key = type.fileTag() + "." + stamp;
            Path claim = dir.resolve(claimName(key));
            if (!claim(claim, mine.id())) {
                continue;
            }
            if (Files.exists(dir.resolve(key + ".json"), LinkOption.NOFOLLOW_LINKS)) {
                deleteQuietly(claim);
                continue;
            }
            lastStampMillis = millis;
            heldClaims.add(claim);
            return new PendingEvent(this, dir, type, stamp, Instant.ofEpochMilli(millis), claim, closings);
        }
        throw new IOException("Holmes found no free stamp for a " + type + " event in " + dir);
    }

    private static String claimName(String key) {
        return "." + key + ".claim";
    }

    /** Creates {@code claim} exclusively with {@code id} in it; false when another writer has it. */
    private boolean claim(Path claim, String id) throws IOException {
        try (FileChannel channel = FileChannel.open(claim, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), Scratch.fileAttributes(posix))) {
            channel.write(ByteBuffer.wrap(id.getBytes(StandardCharsets.US_ASCII)));
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        }
    }

    /**
     * Writes the event's JSON (the {@code .json} entry of {@link DumpEvent#files()}), gives its stamp free and
     * then holds the budget. Called by Holmes on the capture thread, before any other reporter sees the event.
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
        String name = json.getFileName().toString();
        String key = name.substring(0, name.length() - ".json".length());
        releaseClaim(json.resolveSibling(claimName(key)));
        enforceBudget(json.getParent(), key);
    }

    /**
     * Deletes {@code claim} if this instance holds it, and the scratch directory with the last claim, so that an
     * idle Holmes leaves only finished events behind. Never throws.
     */
    synchronized void releaseClaim(Path claim) {
        if (heldClaims.remove(claim)) {
            deleteQuietly(claim);
        }
        if (heldClaims.isEmpty()) {
            close();
        }
    }

    /**
     * The trusted directory, created when missing; one WARN when it had to be tightened or is refused.
     *
     * @throws UntrustedDirectoryException when another user could read or replace what Holmes writes there
     */
    synchronized Path ensureDirectory() throws IOException {
        if (!posix) {
            if (!Files.isDirectory(directory)) {
                if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("dump path " + directory + " exists but is not a directory");
                }
                Files.createDirectories(directory);
            }
            real = directory;
            return directory;
        }
        if (user == null) {
            user = TrustedDirectory.currentUser();
        }
        TrustedDirectory.Opened opened;
        try {
            opened = TrustedDirectory.open(directory, user);
        } catch (UntrustedDirectoryException refused) {
            warnings.warn("untrusted", "Holmes refuses its dump directory and takes no capture: {}",
                    refused.getMessage());
            throw refused;
        }
        warnings.clear("untrusted");
        if (opened.created()) {
            LOG.info("Holmes dump directory created: {}", opened.real());
        }
        if (opened.tightenedFrom() != null) {
            warnings.warn("tightened", "Holmes tightened its dump directory {} from {} to rwx------: group or others"
                    + " could write into it", opened.real(), opened.tightenedFrom());
        } else {
            warnings.clear("tightened");
        }
        real = opened.real();
        return real;
    }

    /** This instance's scratch directory in {@code dir}, made again when it was removed. */
    private synchronized Scratch scratch(Path dir) throws IOException {
        if (scratch != null && (!scratch.directory().getParent().equals(dir)
                || !Files.isDirectory(scratch.directory(), LinkOption.NOFOLLOW_LINKS))) {
            scratch.close();
            scratch = null;
        }
        if (scratch == null) {
            scratch = Scratch.create(dir, posix);
        }
        return scratch;
    }

    /** A fresh path in this instance's private scratch directory, for a file named after {@code target}. */
    synchronized Path scratchPath(String prefix, String suffix) throws IOException {
        return scratch(ensureDirectory()).newPath(prefix, suffix);
    }

    /**
     * As {@link #scratchPath(String, String)}, for an event begun at {@code generation}: refused once the scratch
     * directory was removed since, so that a writer Holmes stopped waiting for never makes it again.
     */
    synchronized Path scratchPath(String prefix, String suffix, long generation) throws IOException {
        if (closedSince(generation)) {
            throw new CancellationException("Holmes stopped while " + prefix + " was being written");
        }
        return scratchPath(prefix, suffix);
    }

    /**
     * Renames a finished scratch file onto {@code target} with owner-only permissions, atomically. Permissions are
     * set on the file itself, never through a link.
     */
    void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            if (!Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                throw new IOException(temp + " is not a regular file; Holmes moves into place only files it wrote");
            }
            if (posix) {
                TrustedDirectory.setPermissions(temp, TrustedDirectory.OWNER_FILE);
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
        writeAtomically(target, content, generation());
    }

    /** Writes {@code target} whole for an event begun at {@code generation} (see {@link #scratchPath(String, String, long)}). */
    void writeAtomically(Path target, ContentWriter content, long generation) throws IOException {
        Path temp = scratchPath(target.getFileName().toString(), "tmp", generation);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), Scratch.fileAttributes(posix))) {
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

    /**
     * Why a heap dump of about {@code bytes} must not be written now (the file system's free space or the disk
     * budget cannot hold it), or empty when it may.
     */
    public Optional<String> heapDumpRefusal(long bytes) {
        long usable;
        try {
            Path dir = real != null ? real : directory;
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Optional.of("the free space of " + directory + " cannot be read: " + e);
        }
        return DiskBudget.heapDumpRefusal(bytes, usable, budget.maxBytes());
    }

    /** Groups Holmes' event files by event; other files in the directory are left alone. */
    public List<StoredEvent> storedEvents() throws IOException {
        return scan(ensureDirectory()).events;
    }

    /** What the directory holds, after removing what dead writers left. */
    private Scan scan(Path dir) throws IOException {
        Scan scan = new Scan();
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, Path> claims = new LinkedHashMap<>();
        Instant now = clock.instant();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                Matcher event = EVENT_FILE.matcher(name);
                Matcher claim = CLAIM_FILE.matcher(name);
                if (event.matches()) {
                    String key = event.group(1) + "." + event.group(2);
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(file);
                    sizes.merge(key, sizeOf(file), Long::sum);
                } else if (claim.matches()) {
                    claims.put(claim.group(1) + "." + claim.group(2), file);
                } else if (Scratch.isScratchName(name) && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    if (Scratch.isLive(dir, name.substring(Scratch.PREFIX.length()), now)) {
                        scan.otherBytes += Scratch.bytes(file);
                    } else {
                        long bytes = Scratch.bytes(file);
                        Scratch.deleteTree(file);
                        LOG.info("Holmes removed {} ({} bytes), left by a writer that is gone", file, bytes);
                    }
                } else if (LEGACY_TEMP_FILE.matcher(name).matches()) {
                    if (isOlder(file, now.minus(STALE_LEGACY_TEMP))) {
                        deleteQuietly(file);
                    } else {
                        scan.otherBytes += sizeOf(file);
                    }
                }
            }
        } catch (NoSuchFileException gone) {
            return scan;
        }
        for (Map.Entry<String, Path> claim : claims.entrySet()) {
            String key = claim.getKey();
            if (isLiveClaim(dir, claim.getValue(), now)) {
                scan.inProgress.add(key);
                continue;
            }
            // A writer gives its claim up before its scratch directory: a claim still there now is a dead one's.
            if (!Files.exists(claim.getValue(), LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            List<Path> written = groups.getOrDefault(key, List.of());
            if (written.stream().anyMatch(f -> f.getFileName().toString().endsWith(".json"))) {
                // It died after the JSON, the event's last file: the event is whole.
                deleteQuietly(claim.getValue());
                continue;
            }
            // The writer died mid-event: what it wrote is half an event, removed with its claim.
            List<Path> files = groups.remove(key);
            Long bytes = sizes.remove(key);
            if (files != null) {
                for (Path file : files) {
                    deleteQuietly(file);
                }
                LOG.info("Holmes removed the unfinished event {} ({} bytes), left by a writer that is gone", key, bytes);
            }
            deleteQuietly(claim.getValue());
        }
        for (Map.Entry<String, List<Path>> group : groups.entrySet()) {
            String key = group.getKey();
            int dot = key.indexOf('.');
            scan.events.add(new StoredEvent(key.substring(0, dot), key.substring(dot + 1), group.getValue(),
                    sizes.get(key)));
        }
        return scan;
    }

    private boolean isLiveClaim(Path dir, Path claim, Instant now) {
        String id = readClaim(claim);
        if (id == null) {
            // Given up since the listing: the event is finished or aborted.
            return false;
        }
        if (id.isEmpty()) {
            try {
                return Files.getLastModifiedTime(claim, LinkOption.NOFOLLOW_LINKS).toInstant()
                        .isAfter(now.minus(NEWBORN_CLAIM));
            } catch (IOException e) {
                return true;
            }
        }
        return Scratch.isLive(dir, id, now);
    }

    /** The writer id in {@code claim}, "" while it is being written, {@code null} when the claim is gone. */
    private static String readClaim(Path claim) {
        try (SeekableByteChannel channel = Files.newByteChannel(claim, Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // Ids are 16 characters.
            }
            buffer.flip();
            return StandardCharsets.US_ASCII.decode(buffer).toString().trim();
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            return "";
        }
    }

    /** Sweeps, then deletes the oldest finished events until the budget holds; never the one just written. */
    private void enforceBudget(Path dir, String justWritten) throws IOException {
        Scan scan = scan(dir);
        long bytes = scan.otherBytes;
        for (StoredEvent event : scan.events) {
            bytes += event.bytes();
        }
        int events = scan.events.size();
        Set<String> pinned = new HashSet<>(scan.inProgress);
        if (justWritten != null) {
            pinned.add(justWritten);
        }
        for (StoredEvent evicted : budget.evictions(scan.events,
                e -> pinned.contains(e.type() + "." + e.stamp()), scan.otherBytes)) {
            for (Path file : evicted.files()) {
                deleteQuietly(file);
            }
            bytes -= evicted.bytes();
            events--;
            LOG.debug("Holmes evicted event {}.{} ({} bytes) to hold the disk budget",
                    evicted.type(), evicted.stamp(), evicted.bytes());
        }
        if (bytes > budget.maxBytes()) {
            warnings.warn("oversize", "Holmes' dump directory holds {} bytes, above the disk budget of {} bytes, in"
                    + " events it must keep (the newest, or being written)", bytes, budget.maxBytes());
        } else {
            warnings.clear("oversize");
        }
        bytesOnDisk = bytes;
        eventsOnDisk = events;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size();
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

    /** One look at the directory. */
    private static final class Scan {
        final List<StoredEvent> events = new ArrayList<>();
        final Set<String> inProgress = new HashSet<>();
        /** Live scratch directories and recent temporary files. */
        long otherBytes;
    }
}
