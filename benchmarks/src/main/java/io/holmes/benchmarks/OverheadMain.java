package io.holmes.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link OverheadBenchmark} in every mode, plus the official Pyroscope Java agent (default continuous
 * settings, uploading to a local stub server) as the continuous-profiling reference, and prints each mode's
 * throughput as a ratio to no profiler at all.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.OverheadMain [forks]
 * [warmup iterations] [measurement iterations]} (defaults 3, 5, 8; iterations of 2 s on every core).
 */
public final class OverheadMain {

    private OverheadMain() {
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path agent = agentJar();
        AtomicInteger uploads = new AtomicInteger();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            uploads.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        stub.start();

        Map<String, String[]> modes = new LinkedHashMap<>();
        modes.put("none", new String[0]);
        modes.put("holmes-1s", new String[0]);
        modes.put("holmes-100ms", new String[0]);
        modes.put("pyroscope-agent", new String[] {"-javaagent:" + agent,
                "-Dpyroscope.server.address=http://127.0.0.1:" + stub.getAddress().getPort(),
                "-Dpyroscope.application.name=holmes-benchmark", "-Dpyroscope.log.level=error"});
        modes.put("capture-cpu", new String[0]);
        modes.put("capture-cpu-alloc", new String[0]);
        // No profiler once more, last: the spread between the two "none" runs is the machine's drift.
        modes.put("none-again", new String[0]);

        Map<String, Result<?>> results = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> mode : modes.entrySet()) {
            String param = mode.getKey().equals("pyroscope-agent") || mode.getKey().equals("none-again") ? "none"
                    : mode.getKey();
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(OverheadBenchmark.class.getName() + ".serialiseAndHash")
                    .param("mode", param)
                    .forks(forks)
                    .warmupIterations(warmups).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(iterations).measurementTime(TimeValue.seconds(2))
                    .threads(Runtime.getRuntime().availableProcessors())
                    .jvmArgsAppend(mode.getValue());
            for (RunResult run : new Runner(options.build()).run()) {
                results.put(mode.getKey(), run.getPrimaryResult());
            }
        }
        stub.stop(0);

        Result<?> none = results.get("none");
        System.out.printf("%nReference workload, %d threads, %d forks x %d x 2 s (after %d x 2 s warm-up)%n",
                Runtime.getRuntime().availableProcessors(), forks, iterations, warmups);
        System.out.printf("%-18s %16s %10s %18s%n", "mode", "ops/s", "± (99.9%)", "ratio to none");
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Result<?>> r : results.entrySet()) {
            double score = r.getValue().getScore();
            double error = r.getValue().getScoreError();
            double ratio = score / none.getScore();
            double ratioError = ratio * Math.sqrt(square(error / score) + square(none.getScoreError() / none.getScore()));
            lines.add(String.format("%-18s %16.0f %10.0f %10.4f ± %.4f", r.getKey(), score, error, ratio, ratioError));
        }
        lines.forEach(System.out::println);
        System.out.printf("Pyroscope agent uploads received by the stub: %d%n", uploads.get());
    }

    private static double square(double x) {
        return x * x;
    }

    /** The official agent, copied beside the benchmarks jar by the build. */
    private static Path agentJar() throws Exception {
        Path jar = Path.of(OverheadMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path agent = jar.getParent().resolve("agents").resolve("pyroscope-agent.jar");
        if (!Files.isRegularFile(agent)) {
            throw new IOException("the Pyroscope agent is missing at " + agent + "; build with mvn package first");
        }
        return agent;
    }
}
