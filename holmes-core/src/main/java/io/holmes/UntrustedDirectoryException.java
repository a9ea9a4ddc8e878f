package io.holmes;

import java.io.IOException;

/**
 * The dump path is a place where another local user could read or replace what Holmes writes: a directory
 * owned by someone else, one that group or others may write into, or a path that passes through another
 * user's symbolic link. Holmes refuses to write there; captures fail with this exception.
 */
public final class UntrustedDirectoryException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message names the directory and why it is not trusted.
     *
     * @param message the directory and the reason, for the log and the failed future
     */
    public UntrustedDirectoryException(String message) {
        super(message);
    }
}
