package io.holmes.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The attacker of the security tests: the local user {@code nobody}. The tests run as root, so they can give
 * {@code nobody} a directory or a symbolic link, and run a command as {@code nobody} (with {@code runuser}) to try
 * what another user of the machine could do.
 */
public final class OtherUser {

    public static final String NAME = "nobody";

    private OtherUser() {
    }

    /** Whether the tests can play the other user here: running as root, with {@code runuser}. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/runuser"));
    }

    /** Makes {@code nobody} the owner of {@code path} itself (a link is not followed). */
    public static void owns(Path path) throws IOException {
        UserPrincipal nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
    }

    /** Sets the mode of {@code path}, for example {@code "rwxrwxrwx"}. */
    public static void mode(Path path, String mode) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString(mode));
    }

    /** Runs {@code command} as {@code nobody}. */
    public static Result run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", NAME, "--"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + line);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** What the command did. */
    public record Result(int exit, String output) {
        public boolean denied() {
            return exit != 0 && output.contains("Permission denied");
        }
    }
}
