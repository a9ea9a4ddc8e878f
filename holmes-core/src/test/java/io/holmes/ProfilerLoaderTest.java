package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 10 of the security review: a redeployed web application whose previous class loader had loaded
 * async-profiler fell back to JFR with a WARN that blamed the extraction directory. The JDK lets one class loader
 * hold a native library; the reason Holmes gives now says so. Two isolated class loaders, each with its own copy
 * of holmes-core and ap-loader, play the two deployments.
 */
class ProfilerLoaderTest {

    @TempDir
    Path tmp;

    @Test
    void aLibraryHeldByAnotherClassLoader_isNamedAsTheReasonOfTheFallback() throws Exception {
        String first = startInOwnLoader();   // the earlier deployment (or, if this JVM loaded it already, fails too)
        String second = startInOwnLoader();  // the redeployed one

        assertThat(second).contains("already loaded by another class loader in this JVM")
                .doesNotContain("async-profiler cannot load here");
        assertThat(first).satisfiesAnyOf(
                reason -> assertThat(reason).isEqualTo("started"),
                reason -> assertThat(reason).contains("already loaded by another class loader"));
    }

    /**
     * Loads holmes-core, ap-loader and slf4j-api in a fresh class loader (as a servlet container does for each
     * deployment) and starts a CPU session through that copy's profiler owner: "started", or the reason it gave.
     */
    private String startInOwnLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("holmes-core") && Path.of(entry).endsWith("classes") || entry.contains("ap-loader")
                    || entry.contains("slf4j-api")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertThat(urls).hasSize(3);
        try (URLClassLoader deployment = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> owner = Class.forName("io.holmes.internal.profiler.AsyncProfilerOwner", true, deployment);
            Object shared = owner.getMethod("shared").invoke(null);
            Method start = owner.getMethod("start", boolean.class, long.class, long.class, Path.class);
            try {
                Object session = start.invoke(shared, true, 10_000_000L, 0L, tmp.resolve("session-" + urls.hashCode()
                        + "-" + System.nanoTime() + ".jfr"));
                session.getClass().getMethod("close").invoke(session);
                return "started";
            } catch (InvocationTargetException e) {
                assertThat(e.getCause().getClass().getName())
                        .isEqualTo("io.holmes.internal.profiler.ProfilerUnavailableException");
                return e.getCause().getMessage();
            }
        }
    }
}
