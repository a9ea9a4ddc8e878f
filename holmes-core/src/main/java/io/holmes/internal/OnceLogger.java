package io.holmes.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs the first occurrence of each kind of problem at WARN and every later one at DEBUG, so that a
 * failure that repeats on every tick tells the operator once without flooding the log.
 */
public final class OnceLogger {

    private final Logger log;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public OnceLogger(Logger log) {
        this.log = log;
    }

    /** Logs at WARN if {@code key} has not been warned about yet, else at DEBUG. Arguments as in SLF4J, throwable last. */
    public void warn(String key, String message, Object... args) {
        if (warned.add(key)) {
            log.warn(message, args);
        } else if (log.isDebugEnabled()) {
            log.debug(message, args);
        }
    }

    /** Forgets {@code key}, so that its next failure warns again (used once the problem went away). */
    public void clear(String key) {
        warned.remove(key);
    }
}
