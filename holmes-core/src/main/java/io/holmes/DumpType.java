package io.holmes;

import java.util.Locale;

/** What Holmes watches and what it captures when that reading jumps. */
public enum DumpType {
    /** Process CPU %, captured as a CPU profile. */
    CPU,
    /** Heap % of the memory limit, captured as an allocation profile and a class histogram. */
    MEM,
    /** Live thread count, captured as a thread dump. */
    THREAD;

    private final String fileTag = name().toLowerCase(Locale.ROOT);

    /**
     * {@return the lower-case name that starts every file of this type: {@code cpu}, {@code mem}, {@code thread}}
     * It is also the name of the type's original trigger.
     */
    public String fileTag() {
        return fileTag;
    }
}
