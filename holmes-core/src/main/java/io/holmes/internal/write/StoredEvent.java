package io.holmes.internal.write;

import java.nio.file.Path;
import java.util.List;

/**
 * One event's files as found in the dump directory, grouped by their shared {@code <type>.<stamp>} prefix.
 *
 * @param type  lower-case type, the first part of the file names
 * @param stamp the {@code yyyyMMdd-HHmmss.SSS} part, which sorts by time
 * @param files the files of the event
 * @param bytes their total size
 */
public record StoredEvent(String type, String stamp, List<Path> files, long bytes) {
}
