package io.holmes.internal.capture;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps async-profiler's recording reader and converters, and Holmes' own readers of a look-back window
 * ({@link JfrChunk}, {@link EventTimes}, {@link OldObjectSamples}), out of the JVM's optimizing compiler (C2), once
 * per JVM.
 *
 * <p>A capture parses its recording several times (counts, pprof, flame graph, live objects); the look-back window
 * does the same. That code is hot for a few milliseconds per event, long enough for C2 to compile its large parsing
 * methods, at a cost far above what the compiled code saves: in the capture-cost harness (6 GB/s, eight captures of
 * 3 s) C2's compilations of {@code one.jfr.*} took 37–74 ms per capture by Flight Recorder's {@code jdk.Compilation}
 * events, one of {@code JfrReader.readElement} alone 375 ms, for conversions that take 2–4 ms each once compiled.
 * With this directive that code stays at C1's tier, whose compilations are a few milliseconds, and the capture
 * thread spends no more than before. Holmes' own readers of a look-back window are the same case: C2 compiled
 * {@code OldObjectSamples.value} for 144 ms in an early event; and so are Holmes' own readers and writers of a
 * capture's files, which C2 compiled after a few captures in the paired harness ({@code PprofWriter$Sample.frame}
 * 619 ms, {@code RecordingSummary.frames} 200 ms, the histogram reader 50 ms). Code of the application is not
 * affected: the directive matches async-profiler's Java packages and those Holmes classes only ({@value
 * #PACKAGES_TEXT}), and a JVM compiler directive applies to the methods it matches and no other.
 *
 * <p>It is added through the JVM's {@code Compiler.directives_add} diagnostic command (the same as {@code jcmd <pid>
 * Compiler.directives_add}) from a private temporary file, and stays until the JVM exits: removing it would pop the
 * newest directive, which may by then be someone else's. {@code jcmd <pid> Compiler.directives_print} shows it. It is
 * not added when tiered compilation is off (C2 would then be the only compiler and the converters would run
 * interpreted), when the JVM does not offer the command (not HotSpot), or when the system property {@value
 * #DISABLE_PROPERTY} is {@code false}; in each case nothing else changes and one DEBUG line says why.
 */
public final class ConverterCompilation {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterCompilation.class);

    /** System property that, set to {@code false}, leaves the JVM's compilers as they are. */
    public static final String DISABLE_PROPERTY = "holmes.limitConverterCompilation";
    static final String PACKAGES_TEXT = "one.jfr, one.convert, one.proto, one.heatmap; Holmes' own JfrChunk,"
            + " EventTimes, OldObjectSamples, RecordingSummary, CpuTimeProfile, PprofWriter, LiveObjects,"
            + " LiveObjectsProfile, ClassHistogram and ClassGrowth";
    /** The directive: async-profiler's Java classes and Holmes' own capture readers and writers compiled by C1 only. */
    static final String DIRECTIVE = "[{ match: [\"one/jfr/*.*\", \"one/convert/*.*\", \"one/proto/*.*\","
            + " \"one/heatmap/*.*\", \"io/holmes/internal/capture/JfrChunk*.*\","
            + " \"io/holmes/internal/capture/EventTimes*.*\", \"io/holmes/internal/capture/OldObjectSamples*.*\","
            + " \"io/holmes/internal/capture/RecordingSummary*.*\", \"io/holmes/internal/capture/CpuTimeProfile*.*\","
            + " \"io/holmes/internal/capture/PprofWriter*.*\", \"io/holmes/internal/capture/LiveObjects*.*\","
            + " \"io/holmes/internal/capture/ClassHistogram*.*\", \"io/holmes/internal/capture/ClassGrowth*.*\"],"
            + " c2: { Exclude: true } }]";

    private static final AtomicBoolean TRIED = new AtomicBoolean();
    private static volatile String outcome = "not tried";

    private ConverterCompilation() {
    }

    /**
     * Adds the directive unless this JVM already got it (or was refused it) from an earlier call; never throws.
     *
     * @return what happened, for logs and tests
     */
    public static String limitOnce() {
        if (TRIED.compareAndSet(false, true)) {
            outcome = limit();
            LOG.debug("Holmes' converters and the JIT: {}", outcome);
        }
        return outcome;
    }

    private static String limit() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            return "left alone: " + DISABLE_PROPERTY + "=false";
        }
        Path file = null;
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            String reason = refusal(option(hotSpot, "TieredCompilation"), option(hotSpot, "TieredStopAtLevel"));
            if (reason != null) {
                return "left alone: " + reason;
            }
            file = Files.createTempFile("holmes-compiler-directive-", ".json"); // 0600 on POSIX
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object answer = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}},
                    new String[] {String[].class.getName()});
            String text = String.valueOf(answer).trim();
            return text.startsWith("1 compiler directives added") ? "added " + DIRECTIVE : "refused: " + text;
        } catch (Exception | LinkageError e) {
            return "left alone: " + e;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception e) {
                    LOG.debug("Holmes could not delete {}: {}", file, e.toString());
                }
            }
        }
    }

    /**
     * Why the directive must not be added given these VM options (their values, or null when unknown), or null when
     * it may: without tiered compilation C2 is the only compiler, and with C2 switched off there is nothing to limit.
     */
    static String refusal(String tieredCompilation, String tieredStopAtLevel) {
        if (tieredCompilation == null || !Boolean.parseBoolean(tieredCompilation)) {
            return "tiered compilation is off (TieredCompilation=" + tieredCompilation + ")";
        }
        if (tieredStopAtLevel != null && !tieredStopAtLevel.equals("4")) {
            return "C2 is not used (TieredStopAtLevel=" + tieredStopAtLevel + ")";
        }
        return null;
    }

    private static String option(HotSpotDiagnosticMXBean hotSpot, String name) {
        try {
            VMOption option = hotSpot.getVMOption(name);
            return option.getValue();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
