package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.HolmesConfig;
import io.holmes.ProfileReporter;
import io.holmes.Rule;
import io.holmes.reporters.PyroscopeReporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

class HolmesAutoConfigurationTest extends StarterContextTest {

    @Test
    void onByDefault_startedWithTheContext_closedWithIt() {
        AtomicReference<Holmes> seen = new AtomicReference<>();
        runner().run(context -> {
            assertThat(context).hasSingleBean(Holmes.class).hasSingleBean(HolmesMetrics.class)
                    .doesNotHaveBean(PyroscopeReporter.class);
            Holmes holmes = context.getBean(Holmes.class);
            seen.set(holmes);
            assertThat(holmes.isRunning()).isTrue();
            assertThat(holmes.collectInterval()).isEqualTo(Holmes.DEFAULT_COLLECT_INTERVAL);
        });
        assertThat(seen.get().isRunning()).isFalse();
        assertThatThrownBy(() -> seen.get().start()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyPropertyBinds_andReachesHolmes() {
        AtomicBoolean customized = new AtomicBoolean();
        runner().withPropertyValues(
                        "holmes.collect-interval=250ms", "holmes.cpu-cores=3.5", "holmes.memory-limit=512MB",
                        "holmes.sampling-time=2s", "holmes.cpu-max=90", "holmes.cpu-sampling-interval=20ms",
                        "holmes.alloc-sampling-interval=1MB", "holmes.heap-dump=true",
                        "holmes.reporter-queue-capacity=7", "holmes.close-timeout=3s", "holmes.look-back=12s",
                        "holmes.cpu.enabled=true", "holmes.cpu.min=10", "holmes.cpu.diff=20", "holmes.cpu.abs=70",
                        "holmes.cpu.cooldown=30s",
                        "holmes.mem.min=40", "holmes.mem.diff=25", "holmes.mem.abs=85", "holmes.mem.cooldown=1m",
                        "holmes.mem.enabled=false",
                        "holmes.thread.min=100", "holmes.thread.diff=50", "holmes.thread.abs=900",
                        "holmes.thread.max=20000", "holmes.thread.cooldown=45s",
                        "holmes.dump.max-files=9", "holmes.dump.max-size=32MB",
                        "holmes.pyroscope.server-address=http://127.0.0.1:9", "holmes.pyroscope.application-name=orders",
                        "holmes.pyroscope.labels.env=test", "holmes.pyroscope.tenant-id=team-a",
                        "holmes.pyroscope.basic-auth-user=holmes", "holmes.pyroscope.basic-auth-password=pw",
                        "holmes.pyroscope.headers.X-Extra=1", "holmes.pyroscope.timeout=3s",
                        "holmes.pyroscope.max-retries=1", "holmes.pyroscope.queue-capacity=4")
                .withBean(HolmesBuilderCustomizer.class, () -> b -> customized.set(true))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Holmes holmes = context.getBean(Holmes.class);
                    assertThat(holmes.collectInterval()).isEqualTo(Duration.ofMillis(250));
                    assertThat(holmes.cpuCores()).isEqualTo(3.5);
                    assertThat(holmes.memoryLimit()).isEqualTo(512L * 1024 * 1024);
                    assertThat(holmes.dumpPath()).isEqualTo(tmp.resolve("dumps"));
                    assertThat(holmes.samplingTime()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(holmes.cpuMax()).isEqualTo(90);
                    assertThat(holmes.lookBack()).isEqualTo(Duration.ofSeconds(12));
                    assertThat(holmes.rule(DumpType.CPU)).isEqualTo(Rule.cpu(10, 20, 70, Duration.ofSeconds(30)));
                    assertThat(holmes.isEnabled(DumpType.CPU)).isTrue();
                    assertThat(holmes.rule(DumpType.MEM)).isEqualTo(Rule.mem(40, 25, 85, Duration.ofMinutes(1)));
                    assertThat(holmes.isEnabled(DumpType.MEM)).isFalse();
                    assertThat(holmes.rule(DumpType.THREAD))
                            .isEqualTo(Rule.thread(100, 50, 900, 20_000, Duration.ofSeconds(45)));
                    assertThat(holmes.isEnabled(DumpType.THREAD)).isTrue();
                    HolmesConfig config = holmes.config();
                    assertThat(config.cpuSamplingInterval()).isEqualTo(Duration.ofMillis(20));
                    assertThat(config.allocSamplingInterval()).isEqualTo(1024 * 1024);
                    assertThat(config.heapDump()).isTrue();
                    assertThat(config.maxEvents()).isEqualTo(9);
                    assertThat(config.maxBytes()).isEqualTo(32L * 1024 * 1024);
                    assertThat(config.reporterQueueCapacity()).isEqualTo(7);
                    assertThat(config.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.enabledTriggers()).containsExactly("cpu", "thread");
                    assertThat(config.reporters()).contains(context.getBean(PyroscopeReporter.class));
                    assertThat(customized.get()).isTrue();

                    PyroscopeReporter pyroscope = context.getBean(PyroscopeReporter.class);
                    assertThat(pyroscope.toString()).contains("applicationName=orders").contains("env=test")
                            .contains("tenantId=team-a").contains("basic (user holmes)").contains("X-Extra")
                            .contains("timeout=PT3S").contains("maxRetries=1").contains("queueCapacity=4")
                            .doesNotContain("pw,").doesNotContain("=pw");
                });
    }

    @Test
    void anEmptyConfigurationRunsTheDefaultRules_andEnabledFalseTurnsOneOff() {
        runner().run(context -> {
            Holmes holmes = context.getBean(Holmes.class);
            for (DumpType type : DumpType.values()) {
                assertThat(holmes.isEnabled(type)).as("%s on", type).isTrue();
                assertThat(holmes.rule(type)).isEqualTo(Rule.defaults(type));
            }
        });
        runner().withPropertyValues("holmes.mem.enabled=false").run(context -> {
            Holmes holmes = context.getBean(Holmes.class);
            assertThat(holmes.isEnabled(DumpType.MEM)).isFalse();
            assertThat(holmes.isEnabled(DumpType.CPU)).isTrue();
            assertThat(holmes.isEnabled(DumpType.THREAD)).isTrue();
            // Built all the same, so that the endpoint can turn it on at run time with the configured thresholds.
            assertThat(holmes.rule(DumpType.MEM)).isEqualTo(Rule.defaults(DumpType.MEM));
        });
        runner().withPropertyValues("holmes.cpu.enabled=false", "holmes.mem.enabled=false",
                "holmes.thread.enabled=false").run(context -> {
                    Holmes holmes = context.getBean(Holmes.class);
                    for (DumpType type : DumpType.values()) {
                        assertThat(holmes.isEnabled(type)).as("%s off", type).isFalse();
                    }
                    assertThat(holmes.isRunning()).isTrue();
                });
    }

    @Test
    void thresholdsLeftUnsetTakeHolmesDefaults() {
        runner().withPropertyValues("holmes.thread.abs=3000").run(context -> {
            Holmes holmes = context.getBean(Holmes.class);
            Rule defaults = Rule.defaults(DumpType.THREAD);
            assertThat(holmes.isEnabled(DumpType.THREAD)).isTrue();
            assertThat(holmes.rule(DumpType.THREAD)).isEqualTo(new Rule(DumpType.THREAD, defaults.min(),
                    defaults.diff(), 3000, defaults.max(), defaults.cooldown()));
            assertThat(holmes.rule(DumpType.CPU)).isEqualTo(Rule.defaults(DumpType.CPU));
        });
    }

    @Test
    void pyroscopeTakesItsNameFromSpringApplicationName() {
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "spring.application.name=checkout")
                .run(context -> assertThat(context.getBean(PyroscopeReporter.class).toString())
                        .contains("applicationName=checkout"));
    }

    @Test
    void userBeansWin() {
        Holmes mine = Holmes.builder().dumpPath(tmp.resolve("mine")).build();
        RecentEvents myEvents = new RecentEvents(3);
        runner().withBean(Holmes.class, () -> mine).withBean(RecentEvents.class, () -> myEvents)
                .run(context -> {
                    assertThat(context.getBean(Holmes.class)).isSameAs(mine);
                    assertThat(context.getBean(RecentEvents.class)).isSameAs(myEvents);
                });
        mine.close();
    }

    @Test
    void reporterBeansAndCustomizersAreApplied() throws Exception {
        List<DumpEvent> received = new CopyOnWriteArrayList<>();
        runner().withBean("myReporter", ProfileReporter.class, () -> received::add)
                .withBean(HolmesBuilderCustomizer.class, () -> b -> b.collectInterval(Duration.ofMillis(700)))
                .run(context -> {
                    Holmes holmes = context.getBean(Holmes.class);
                    assertThat(holmes.collectInterval()).isEqualTo(Duration.ofMillis(700));
                    DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                    org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> received.contains(event));
                    assertThat(context.getBean(RecentEvents.class).list()).contains(event);
                });
    }

    @Test
    void holmesEnabledFalse_backsOffEntirely() {
        runner().withPropertyValues("holmes.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(Holmes.class).doesNotHaveBean(HolmesMetrics.class)
                .doesNotHaveBean(HolmesEndpoint.class).doesNotHaveBean(HolmesLifecycle.class));
    }

    @Test
    void withoutActuatorMicrometerOrOkHttp_theRestStillWorks() {
        runner().withClassLoader(new FilteredClassLoader(Endpoint.class))
                .withPropertyValues("management.endpoints.web.exposure.include=holmes")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Holmes.class)
                        .doesNotHaveBean(HolmesEndpoint.class));
        runner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Holmes.class)
                        .doesNotHaveBean(HolmesMetrics.class));
        runner().withClassLoader(new FilteredClassLoader(OkHttpClient.class))
                .withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Holmes.class)
                        .doesNotHaveBean(PyroscopeReporter.class));
        // Without holmes-reporters at all (the starter declares it optional): Holmes, meters and the endpoint work.
        runner().withClassLoader(new FilteredClassLoader("io.holmes.reporters.", "okhttp3.", "kotlin."))
                .withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Holmes.class).hasSingleBean(HolmesMetrics.class)
                            .doesNotHaveBean(PyroscopeReporter.class);
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(HolmesMetrics.class).bindTo(registry);
                    assertThat(registry.find("holmes.reports").meters()).isEmpty();
                    DumpEvent event = context.getBean(Holmes.class).dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                    assertThat(event.files()).isNotEmpty();
                });
    }

    @Test
    void badValuesFailStartUp_namingEachProperty() {
        runner().withPropertyValues("holmes.cpu.min=-5", "holmes.collect-interval=1ms", "holmes.mem.min=90",
                        "holmes.mem.abs=80", "holmes.dump.max-size=10KB")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = messages(context.getStartupFailure());
                    assertThat(message).contains("holmes.cpu.min must be between 0 and 10000, but was -5")
                            .contains("holmes.collect-interval must be between 10ms and 1h, but was PT0.001S")
                            .contains("holmes.mem.min must not be above abs (80), but was 90")
                            .contains("holmes.dump.max-size must be at least 1048576");
                });
        runner().withPropertyValues("holmes.cpu.min=lots").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("holmes.cpu.min");
        });
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders", "holmes.pyroscope.labels[bad key]=x",
                        "holmes.pyroscope.basic-auth-user=u", "holmes.pyroscope.basic-auth-password=hunter2",
                        "holmes.pyroscope.bearer-token=t0ken")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = messages(context.getStartupFailure());
                    assertThat(message).contains("pyroscope.labels").contains("'bad key'")
                            .contains("holmes.pyroscope.bearer-token").doesNotContain("hunter2").doesNotContain("t0ken");
                });
    }

    @Test
    void everyKindOfBadPropertyIsNamedWithItsValue() throws Exception {
        Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        runner().withPropertyValues("holmes.collect-interval=0s", "holmes.cpu-cores=NaN", "holmes.dump-path=" + file,
                        "holmes.thread.min=500", "holmes.thread.abs=400", "holmes.cpu.diff=-1",
                        "holmes.sampling-time=1h", "holmes.reporter-queue-capacity=0", "holmes.look-back=20m")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure()))
                            .contains("holmes.collect-interval must be between 10ms and 1h, but was PT0S")
                            .contains("holmes.cpu-cores must be a finite number above 0, but was NaN")
                            .contains("holmes.dump-path must be a directory, but " + file + " is a file")
                            .contains("holmes.thread.min must not be above abs (400), but was 500")
                            .contains("holmes.cpu.diff must be between 0 and 10000, but was -1")
                            .contains("holmes.sampling-time must be between 100ms and 10m, but was PT1H")
                            .contains("holmes.reporter-queue-capacity must be between 1 and 100000, but was 0")
                            .contains("holmes.look-back must be 0 (off) or between 1s and 10m, but was PT20M");
                });
        // Values of the wrong kind fail in the binder, which names the property and the value too.
        runner().withPropertyValues("holmes.heap-dump=perhaps").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("holmes.heap-dump").contains("perhaps");
        });
        runner().withPropertyValues("holmes.collect-interval=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("holmes.collect-interval").contains("soon");
        });
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        runner().run(context -> assertThat(context).doesNotHaveBean(HolmesEndpoint.class));
        new WebApplicationContextRunner().withConfiguration(ALL)
                .withPropertyValues("holmes.dump-path=" + tmp.resolve("dumps"))
                .run(context -> assertThat(context).doesNotHaveBean(HolmesEndpoint.class));
        new WebApplicationContextRunner().withConfiguration(ALL)
                .withPropertyValues("holmes.dump-path=" + tmp.resolve("dumps"),
                        "management.endpoints.web.exposure.include=holmes")
                .run(context -> assertThat(context).hasSingleBean(HolmesEndpoint.class));
    }

    @Test
    void metersDescribeHolmes() {
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders")
                .run(context -> {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(HolmesMetrics.class).bindTo(registry);
                    Holmes holmes = context.getBean(Holmes.class);
                    DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                    // The meters see the event on Holmes' reporter thread; the capture timer is the last thing
                    // they record for it.
                    org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> {
                        Timer timer = registry.find("holmes.capture.duration").tags("type", "thread").timer();
                        return timer != null && timer.count() == 1;
                    });
                    assertThat(registry.get("holmes.triggers").tags("type", "thread", "trigger", "thread",
                            "reason", "manual").counter().count()).isEqualTo(1.0);
                    assertThat(registry.get("holmes.capture.duration").tags("type", "thread").timer().count())
                            .isEqualTo(1);
                    assertThat(registry.get("holmes.dump.bytes").gauge().value()).isPositive();
                    assertThat(registry.get("holmes.reading").tags("trigger", "thread").gauge().value()).isNaN();
                    assertThat(registry.get("holmes.ticks").functionCounter().count()).isZero();
                    assertThat(registry.get("holmes.reports").tags("reporter", "holmesPyroscopeReporter",
                            "outcome", "failed").functionCounter()).isNotNull();
                    assertThat(registry.find("holmes.reports.dropped").functionCounter()).isNotNull();
                    assertThat(event.files()).isNotEmpty();
                });
    }

    @Test
    void secretsStayOutOfTheEndpointTheReporterAndTheProperties() {
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders", "holmes.pyroscope.basic-auth-user=holmes",
                        "holmes.pyroscope.basic-auth-password=hunter2-secret",
                        "holmes.pyroscope.headers.X-Api-Key=k3y-secret")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HolmesEndpoint endpoint = new HolmesEndpoint(context.getBean(Holmes.class),
                            context.getBean(RecentEvents.class));
                    String everything = endpoint.holmes().toString() + context.getBean(PyroscopeReporter.class)
                            + context.getBean(HolmesProperties.class).getPyroscope();
                    assertThat(everything).doesNotContain("hunter2").doesNotContain("k3y-secret");
                });
    }

    /**
     * The endpoint's "reports" and the {@code holmes.reports{reporter,outcome}} meters count the same thing, where
     * it happens: delivered when the server answered 2xx, failed, retried and dropped likewise. Queuing an upload
     * and the meters' own view of the event are no deliveries.
     */
    @Test
    void theEndpointAndTheMeters_countWhatTheServerAnswered() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        try {
            runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:" + server.getAddress().getPort(),
                            "holmes.pyroscope.application-name=orders", "holmes.pyroscope.max-retries=1",
                            // One upload per event: the look-back window's own upload is counted in the reporters' tests.
                            "holmes.look-back=0s")
                    .run(context -> {
                        SimpleMeterRegistry registry = new SimpleMeterRegistry();
                        context.getBean(HolmesMetrics.class).bindTo(registry);
                        Holmes holmes = context.getBean(Holmes.class);
                        HolmesEndpoint endpoint = new HolmesEndpoint(holmes, context.getBean(RecentEvents.class));

                        holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS)
                                .until(() -> reports(registry, "failed") == 1.0);
                        assertThat(endpoint.holmes().get("reports")).isEqualTo(Map.of("delivered", 0L, "failed", 1L,
                                "retried", 1L, "dropped", 0L));
                        assertThat(List.of(reports(registry, "delivered"), reports(registry, "failed"),
                                reports(registry, "retried"), reports(registry, "dropped")))
                                .containsExactly(0.0, 1.0, 1.0, 0.0);

                        status.set(200);
                        holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS)
                                .until(() -> reports(registry, "delivered") == 1.0);
                        assertThat(endpoint.holmes().get("reports")).isEqualTo(Map.of("delivered", 1L, "failed", 1L,
                                "retried", 1L, "dropped", 0L));
                        assertThat(List.of(reports(registry, "delivered"), reports(registry, "failed"),
                                reports(registry, "retried"), reports(registry, "dropped")))
                                .containsExactly(1.0, 1.0, 1.0, 0.0);
                    });
        } finally {
            server.stop(0);
        }
    }

    private static double reports(SimpleMeterRegistry registry, String outcome) {
        var counter = registry.find("holmes.reports").tags("reporter", "holmesPyroscopeReporter", "outcome", outcome)
                .functionCounter();
        return counter == null ? Double.NaN : counter.count();
    }

    /**
     * Spring Boot prints a rejected value in its start-up failure report: a bearer token with a stray newline or
     * an address with its password must fail start-up naming the property and why, with the value masked.
     */
    @Test
    void aBadSecretFailsStartUp_namingTheProperty_butSpringIsNeverHandedTheSecret() {
        runner().withPropertyValues("holmes.pyroscope.server-address=http://bob:hunter2-S3CRET@127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String report = messages(context.getStartupFailure()) + analysis(context.getStartupFailure());
                    assertThat(report).contains("holmes.pyroscope.server-address").contains("must not carry credentials")
                            .doesNotContain("S3CRET").doesNotContain("hunter2");
                });
        // As a token read from a mounted secret file arrives: with its trailing newline.
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9",
                        "holmes.pyroscope.application-name=orders")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.MapPropertySource("mounted-secret",
                                Map.of("holmes.pyroscope.bearer-token", "t0ken-S3CRET\n"))))
                .run(context -> {
                    assertThat(context).hasFailed();
                    String report = messages(context.getStartupFailure()) + analysis(context.getStartupFailure());
                    assertThat(report).contains("holmes.pyroscope.bearer-token").contains("control characters")
                            .doesNotContain("S3CRET");
                });
        runner().withPropertyValues("holmes.pyroscope.server-address=http://127.0.0.1:9/?token=S3CRET-tok",
                        "holmes.pyroscope.application-name=orders",
                        "holmes.pyroscope.basic-auth-user=holmes", "holmes.pyroscope.basic-auth-password=pw-S3CRET",
                        "holmes.pyroscope.bearer-token=tok-S3CRET")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String report = messages(context.getStartupFailure()) + analysis(context.getStartupFailure());
                    assertThat(report).contains("holmes.pyroscope.server-address").contains("query")
                            .doesNotContain("S3CRET");
                });
    }

    /** What Spring Boot's failure analyzers print for {@code failure} (the report a user sees at start-up). */
    private static String analysis(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.boot.context.properties.bind.validation.BindValidationException e) {
                for (org.springframework.validation.ObjectError error : e.getValidationErrors().getAllErrors()) {
                    all.append(error).append('\n');
                    if (error instanceof org.springframework.validation.FieldError field) {
                        all.append("Value: ").append(field.getRejectedValue()).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
