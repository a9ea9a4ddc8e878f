package io.holmes;

import static io.holmes.CpuCaptureTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.testing.Pprof;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual threads in THREAD captures. On JDK 21 or later (this JVM, or else the Temurin 25 installed at
 * {@value #TEMURIN_25}, or the JDK named by {@code -Dholmes.test.jdk21=<java.home>}) a child JVM parks 300 virtual
 * threads in one method and pins one more, and takes a capture; the capture must hold them, grouped. When no such
 * JDK is found the test is skipped and says so. On JDK 17 nothing about threads changes.
 */
class VirtualThreadsTest {

    static final String TEMURIN_25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    @TempDir
    Path tmp;

    @Test
    void onJdk21OrLater_aPileUpOfParkedVirtualThreadsIsInTheCapture_groupedByStack() throws Exception {
        Path java = jdk21OrLater();
        assumeTrue(java != null, "no JDK 21+ here: neither this JVM, nor " + TEMURIN_25 + ", nor -Dholmes.test.jdk21");

        Process child = new ProcessBuilder(java.toString(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), VirtualThreadsMain.class.getName(), tmp.toString())
                .redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                child.getInputStream().transferTo(output);
            } catch (java.io.IOException ignored) {
                // the child ended
            }
        });
        drain.start();
        assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("child finished").isTrue();
        drain.join(10_000);
        String out = output.toString(StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(out).isZero();
        Matcher m = Pattern.compile("EVENT (\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        Path json = Path.of(m.group(1));

        JsonNode event = new ObjectMapper().readTree(json.toFile());
        assertThat(event.get("jvm").asText()).doesNotContain(" 17.");
        assertThat(event.get("details").get("virtualThreads").asLong()).isGreaterThanOrEqualTo(301);
        assertThat(event.get("details").get("pinnedVirtualThreads").asLong()).isEqualTo(1);

        List<Path> files = Files.list(tmp).filter(p -> !p.toString().contains(".before.")).toList();
        Path text = files.stream().filter(p -> p.toString().endsWith(".txt")).findFirst().orElseThrow();
        String dump = Files.readString(text);
        // One group holds the 300 parked threads, with their common stack.
        Matcher group = Pattern.compile("\\n(\\d+) virtual threads WAITING=(\\d+)\\n   ids: [^\\n]*\\n   mounted: none\\n"
                + "(\\tat [^\\n]*\\n)*\\tat io.holmes.VirtualThreadsMain.parkedInHolmesVirtualTest\\(").matcher(dump);
        assertThat(group.find()).as(dump.substring(dump.indexOf("Virtual threads:"))).isTrue();
        assertThat(Integer.parseInt(group.group(1))).isEqualTo(VirtualThreadsMain.PARKED);
        // The pinned one is mounted on a carrier while it waits.
        Matcher pinned = Pattern.compile("\\n1 virtual thread WAITING=1\\n   ids: #(\\d+)\\n   mounted: #\\1 on #(\\d+)\\n"
                + "   pinned \\(mounted while not running\\): 1\\n").matcher(dump);
        assertThat(pinned.find()).as(dump.substring(dump.indexOf("Virtual threads:"))).isTrue();
        assertThat(dump).contains("io.holmes.VirtualThreadsMain$PinnedHolder.<clinit>(");

        Pprof pprof = Pprof.read(files.stream().filter(p -> p.toString().endsWith(".pb.gz")).findFirst().orElseThrow());
        assertThat(pprof.total(0, "VirtualThreadsMain.parkedInHolmesVirtualTest")).isEqualTo(VirtualThreadsMain.PARKED);
        assertThat(pprof.samples().stream().filter(s -> "true".equals(s.labels().get("virtual"))).count())
                .isGreaterThanOrEqualTo(301);
    }

    @Test
    void onJdk17_threadCapturesSayNothingAboutVirtualThreads() throws Exception {
        assumeTrue(Runtime.version().feature() < 21, "this JVM has virtual threads");
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).build().start()) {
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);

            assertThat(event.details()).doesNotContainKeys("virtualThreads", "virtualThreadsProblem");
            assertThat(Files.readString(file(event, ".txt"))).doesNotContain("Virtual threads:");
        }
    }

    private static Path jdk21OrLater() {
        if (Runtime.version().feature() >= 21) {
            return Path.of(ProcessHandle.current().info().command().orElse("java"));
        }
        String configured = System.getProperty("holmes.test.jdk21");
        for (String home : configured == null ? List.of(TEMURIN_25) : List.of(configured, TEMURIN_25)) {
            Path java = Path.of(home, "bin", "java");
            if (Files.isExecutable(java)) {
                return java;
            }
        }
        return null;
    }
}
