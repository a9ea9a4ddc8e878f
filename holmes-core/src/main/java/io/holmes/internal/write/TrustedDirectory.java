package io.holmes.internal.write;

import io.holmes.UntrustedDirectoryException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds (and creates) a dump directory that no other local user can read or replace, the way {@code realpath}
 * walks a path, but without following a symbolic link it cannot trust. A directory is trusted when it is owned
 * by the process's user and neither group nor others may write into it, when every symbolic link on the way to it
 * belongs to that user or to root, and when no other user can rename it away: every directory above it belongs to
 * that user or to root and, when group or others may write it, is sticky. A directory of the process's own user that group or others may write
 * is tightened to owner-only; anything else is refused with an {@link UntrustedDirectoryException} that names
 * the owner and the mode. Permissions are only ever changed without following links.
 */
final class TrustedDirectory {

    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final int MAX_LINKS = 40;

    /**
     * The directory found.
     *
     * @param real           its path with every symbolic link resolved; all writes go through this path
     * @param tightenedFrom  the mode it had when Holmes had to tighten it, else {@code null}
     * @param created        whether Holmes created it
     */
    record Opened(Path real, String tightenedFrom, boolean created) {
    }

    private TrustedDirectory() {
    }

    /** The user this process runs as: the owner of {@code /proc/self} on Linux, else the user named by {@code user.name}. */
    static UserPrincipal currentUser() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
            return Files.getOwner(self);
        }
        return self.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /**
     * Resolves {@code directory}, creating what is missing with owner-only permissions, and checks that it can be
     * trusted by {@code me}.
     */
    static Opened open(Path directory, UserPrincipal me) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        Deque<String> todo = new ArrayDeque<>();
        for (Path name : absolute) {
            todo.add(name.toString());
        }
        Path current = absolute.getRoot();
        int links = 0;
        int creations = 0;
        boolean created = false;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                current = current.getParent() != null ? current.getParent() : current;
                continue;
            }
            Path next = current.resolve(name);
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(next, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException missing) {
                if (++creations > 1000) {
                    throw new IOException("dump path " + directory + " keeps changing while Holmes creates it");
                }
                createPrivate(next);
                created = todo.isEmpty();
                // Look again: someone may have put something else there first.
                todo.addFirst(name);
                continue;
            }
            if (attributes.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new IOException("dump path " + directory + " passes through more than " + MAX_LINKS
                            + " symbolic links");
                }
                if (!attributes.owner().equals(me) && !isRoot(next)) {
                    throw new UntrustedDirectoryException("dump path " + directory + " passes through the symbolic link "
                            + next + " owned by " + attributes.owner().getName() + ", another user; Holmes follows"
                            + " only links of its own user (" + me.getName() + ") or root");
                }
                Path target = Files.readSymbolicLink(next);
                List<String> names = new ArrayList<>();
                for (Path part : target) {
                    names.add(part.toString());
                }
                for (int i = names.size() - 1; i >= 0; i--) {
                    todo.addFirst(names.get(i));
                }
                if (target.isAbsolute()) {
                    current = target.getRoot();
                }
                continue;
            }
            if (!attributes.isDirectory()) {
                throw new IOException("dump path " + directory + " exists but " + next + " is not a directory");
            }
            current = next;
        }
        return check(directory, current, me, created);
    }

    private static Opened check(Path directory, Path real, UserPrincipal me, boolean created) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String mode = PosixFilePermissions.toString(attributes.permissions());
        if (!attributes.owner().equals(me)) {
            throw new UntrustedDirectoryException("dump path " + describe(directory, real) + " is owned by "
                    + attributes.owner().getName() + " with mode " + mode + "; Holmes writes only into a directory"
                    + " owned by its own user (" + me.getName() + ") that group and others cannot write");
        }
        checkAncestors(directory, real, me);
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            Set<PosixFilePermission> tightened = EnumSet.noneOf(PosixFilePermission.class);
            tightened.addAll(permissions);
            tightened.removeAll(GROUP_AND_OTHERS);
            setPermissions(real, tightened);
            return new Opened(real, mode, created);
        }
        return new Opened(real, null, created);
    }

    /**
     * Whoever may rename entries of a directory above the dump directory can swap the dump directory for one of
     * theirs. So every directory above it must belong to Holmes' user or to root, and one that group or others may
     * write must be sticky (like {@code /tmp}, where only an entry's owner may rename it).
     */
    private static void checkAncestors(Path directory, Path real, UserPrincipal me) throws IOException {
        for (Path ancestor = real.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            PosixFileAttributes attributes = Files.readAttributes(ancestor, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String mode = PosixFilePermissions.toString(attributes.permissions());
            if (!attributes.owner().equals(me) && !isRoot(ancestor)) {
                throw new UntrustedDirectoryException("dump path " + describe(directory, real) + " lies inside "
                        + ancestor + ", owned by " + attributes.owner().getName() + " with mode " + mode
                        + ", who could replace it; every directory above the dump directory must belong to Holmes'"
                        + " own user (" + me.getName() + ") or root");
            }
            Set<PosixFilePermission> permissions = attributes.permissions();
            boolean writableByOthers = permissions.contains(PosixFilePermission.GROUP_WRITE)
                    || permissions.contains(PosixFilePermission.OTHERS_WRITE);
            if (writableByOthers && !isSticky(ancestor)) {
                throw new UntrustedDirectoryException("dump path " + describe(directory, real) + " lies inside "
                        + ancestor + " (owner " + attributes.owner().getName() + ", mode " + mode + "), where group or"
                        + " others may replace it; a directory above the dump directory that others may write must"
                        + " be sticky, like /tmp");
            }
        }
    }

    private static boolean isSticky(Path directory) {
        try {
            Object mode = Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(Path directory, Path real) {
        Path absolute = directory.toAbsolutePath().normalize();
        return absolute.equals(real) ? real.toString() : absolute + " (" + real + ")";
    }

    /** Creates one directory, owner-only from the start (the umask may remove bits, never add any). */
    private static void createPrivate(Path directory) throws IOException {
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        setPermissions(directory, OWNER_DIR);
    }

    /**
     * Sets permissions on {@code path} itself; fails rather than follow a symbolic link. (Not every JDK refuses a
     * link given {@code NOFOLLOW_LINKS}: some skip it silently, so the link is looked for first.)
     */
    static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view.readAttributes().isSymbolicLink()) {
            throw new IOException(path + " is a symbolic link; Holmes sets permissions only on its own files");
        }
        view.setPermissions(permissions);
    }

    private static boolean isRoot(Path link) {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
