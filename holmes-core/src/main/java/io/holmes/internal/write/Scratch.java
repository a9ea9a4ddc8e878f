package io.holmes.internal.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer's private working directory inside the dump directory, {@code .scratch.<id>}, mode {@code 0700} from
 * its creation: recordings in progress (async-profiler's and JDK Flight Recorder's {@code .jfr}, a heap dump) and
 * every file before its rename live here, so no other user can open them at any moment, whatever the umask.
 *
 * <p>The writer holds an exclusive lock on {@code .scratch.<id>/lock} while it lives. Another writer (another
 * Holmes in this JVM, another process on the same directory) tells a live scratch directory from one left by a
 * process that died by trying that lock, and removes only the dead ones. POSIX record locks belong to the whole
 * process, and closing any channel on a locked file drops the process's lock, so this JVM never opens the lock
 * file of a scratch directory it holds itself: the ids it holds are kept in {@link #HELD}, the one piece of
 * process-wide state here, as process-wide as the locks it stands for.
 */
final class Scratch implements AutoCloseable {

    static final String PREFIX = ".scratch.";
    /** A scratch directory's name until its lock is held; no writer probes or sweeps it. */
    private static final String UNBORN_PREFIX = ".scratch-unborn.";
    private static final String LOCK = "lock";
    /** A scratch directory without its lock file yet is a writer being born, unless it is this old. */
    private static final Duration NEWBORN = Duration.ofMinutes(1);

    /** Ids of the scratch directories this JVM holds. */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    private final String id;
    private final Path directory;
    private final FileChannel lockChannel;
    private final AtomicLong names = new AtomicLong();

    private Scratch(String id, Path directory, FileChannel lockChannel) {
        this.id = id;
        this.directory = directory;
        this.lockChannel = lockChannel;
    }

    /** Creates and locks a new scratch directory in {@code dumpDirectory}. */
    static Scratch create(Path dumpDirectory, boolean posix) throws IOException {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        HELD.add(id);
        Path directory = dumpDirectory.resolve(PREFIX + id);
        // Born under a name no other writer looks at, and given its scratch name only once locked: another
        // writer that tried the lock of a directory still being set up would take it for a dead one and remove it.
        Path unborn = dumpDirectory.resolve(UNBORN_PREFIX + id);
        Path created = null;
        FileChannel channel = null;
        try {
            if (posix) {
                created = Files.createDirectory(unborn, PosixFilePermissions.asFileAttribute(TrustedDirectory.OWNER_DIR));
                TrustedDirectory.setPermissions(unborn, TrustedDirectory.OWNER_DIR);
            } else {
                created = Files.createDirectory(unborn);
            }
            channel = FileChannel.open(unborn.resolve(LOCK), Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), fileAttributes(posix));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("another process locked Holmes' new scratch directory " + unborn);
            }
            created = Files.move(unborn, directory, StandardCopyOption.ATOMIC_MOVE);
            return new Scratch(id, directory, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            if (created != null) {
                deleteTree(created);
            }
            HELD.remove(id);
            throw e;
        }
    }

    static FileAttribute<?>[] fileAttributes(boolean posix) {
        return posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(TrustedDirectory.OWNER_FILE)}
                : new FileAttribute<?>[0];
    }

    String id() {
        return id;
    }

    Path directory() {
        return directory;
    }

    /** A fresh path in the scratch directory ending in {@code suffix}; it does not exist yet. */
    Path newPath(String prefix, String suffix) {
        return directory.resolve(prefix + "." + names.incrementAndGet() + "." + suffix);
    }

    /** Removes the directory and everything in it, then lets the lock go. Never throws. */
    @Override
    public void close() {
        deleteTree(directory);
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // The lock goes with the process anyway.
        }
        HELD.remove(id);
    }

    /** Whether {@code name} is the name of a scratch directory. */
    static boolean isScratchName(String name) {
        return name.startsWith(PREFIX) && name.length() > PREFIX.length();
    }

    /**
     * Whether the scratch directory with {@code id} in {@code dumpDirectory} belongs to a live writer. When in
     * doubt, it is live: removing a live writer's recording is worse than keeping a dead one a little longer.
     */
    static boolean isLive(Path dumpDirectory, String id, Instant now) {
        if (HELD.contains(id)) {
            return true;
        }
        Path directory = dumpDirectory.resolve(PREFIX + id);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (NoSuchFileException noLockYet) {
            return isYoung(directory, now);
        } catch (OverlappingFileLockException | IOException e) {
            return true;
        }
    }

    private static boolean isYoung(Path path, Instant now) {
        try {
            Instant modified = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
            return modified.isAfter(now.minus(NEWBORN));
        } catch (IOException e) {
            return true;
        }
    }

    /** Bytes of the regular files below {@code directory}, never following a link. */
    static long bytes(Path directory) {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        total[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // What could be counted is counted.
        }
        return total[0];
    }

    /** Deletes {@code directory} and what it holds; links are removed, never followed. Never throws. */
    static void deleteTree(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Left for the next sweep.
        }
    }
}
