package io.holmes.spring;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.decide.MetricState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The {@code holmes} Actuator endpoint. Reading shows the configuration in effect, the latest readings with their
 * windows and cooldowns, and the recent events with their files. Writing to {@code holmes/{type}} either takes a
 * capture ({@code {"action": "dump"}}) or changes that rule ({@code min}, {@code diff}, {@code abs}, {@code max},
 * {@code cooldown}, {@code enabled}). Writing is off unless granted
 * ({@code management.endpoint.holmes.access=unrestricted}); nothing is exposed over HTTP unless the application
 * exposes it.
 */
@Endpoint(id = "holmes", defaultAccess = Access.READ_ONLY)
public class HolmesEndpoint {

    private final Holmes holmes;
    private final RecentEvents events;

    public HolmesEndpoint(Holmes holmes, RecentEvents events) {
        this.holmes = holmes;
        this.events = events;
    }

    @ReadOperation
    public Map<String, Object> holmes() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", holmes.isRunning());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("collectInterval", holmes.collectInterval().toString());
        config.put("cpuCores", holmes.cpuCores());
        config.put("memoryLimit", holmes.memoryLimit());
        config.put("dumpPath", holmes.dumpPath().toString());
        config.put("samplingTime", holmes.samplingTime().toString());
        config.put("cpuMax", holmes.cpuMax());
        body.put("configuration", config);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (DumpType type : DumpType.values()) {
            metrics.put(type.fileTag(), metric(holmes.state(type)));
        }
        body.put("metrics", metrics);
        body.put("ticks", holmes.ticks());
        body.put("bytesOnDisk", holmes.bytesOnDisk());
        // The same counts as the holmes.reports meters: delivered means the server answered 2xx.
        Map<String, Object> reports = new LinkedHashMap<>();
        reports.put("delivered", holmes.deliveredReports());
        reports.put("failed", holmes.failedReports());
        reports.put("retried", holmes.retriedReports());
        reports.put("dropped", holmes.droppedReports());
        body.put("reports", reports);
        List<Map<String, Object>> recent = new ArrayList<>();
        for (DumpEvent event : events.list()) {
            recent.add(event(event));
        }
        body.put("recentEvents", recent);
        return body;
    }

    /**
     * Takes a capture of {@code type} ({@code action=dump}), or changes its rule: unset values keep the rule's
     * current ones.
     */
    @WriteOperation
    public Map<String, Object> update(@Selector String type, @Nullable String action, @Nullable Integer min,
                                      @Nullable Integer diff, @Nullable Integer abs, @Nullable Integer max,
                                      @Nullable String cooldown, @Nullable Boolean enabled) {
        DumpType dumpType = parseType(type);
        if ("dump".equalsIgnoreCase(action)) {
            return dump(dumpType);
        }
        if (action != null) {
            throw new InvalidEndpointRequestException("unknown action '" + action + "'; the only action is 'dump'",
                    "unknown action");
        }
        Rule current = holmes.rule(dumpType);
        try {
            Rule changed = new Rule(dumpType, min != null ? min : current.min(), diff != null ? diff : current.diff(),
                    abs != null ? abs : current.abs(), max != null ? max : current.max(),
                    cooldown != null ? Duration.parse(cooldown) : current.cooldown());
            holmes.setRule(changed);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "invalid rule");
        }
        if (enabled != null) {
            if (enabled) {
                holmes.enable(dumpType);
            } else {
                holmes.disable(dumpType);
            }
        }
        return metric(holmes.state(dumpType));
    }

    private Map<String, Object> dump(DumpType type) {
        long waitMillis = holmes.samplingTime().toMillis() + TimeUnit.SECONDS.toMillis(30);
        try {
            return event(holmes.dump(type).get(waitMillis, TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw new InvalidEndpointRequestException("the capture failed: " + e.getCause(), "capture failed");
        } catch (TimeoutException e) {
            return Map.of("type", type.fileTag(), "status", "still capturing; see recentEvents");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("type", type.fileTag(), "status", "interrupted");
        }
    }

    private static DumpType parseType(String type) {
        try {
            return DumpType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException("unknown type '" + type + "'; use cpu, mem or thread",
                    "unknown type");
        }
    }

    private static Map<String, Object> metric(MetricState state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latest", state.latest());
        m.put("average", state.average());
        m.put("window", state.window());
        m.put("enabled", state.enabled());
        Rule rule = state.rule();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("min", rule.min());
        r.put("diff", rule.diff());
        r.put("abs", rule.abs());
        r.put("max", rule.max());
        r.put("cooldown", rule.cooldown().toString());
        m.put("rule", r);
        m.put("cooldownLeft", state.cooldownLeft().toString());
        return m;
    }

    private static Map<String, Object> event(DumpEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", event.id());
        e.put("type", event.type().fileTag());
        e.put("reason", event.reason().name());
        e.put("current", event.current());
        e.put("average", event.average());
        e.put("start", event.start().toString());
        e.put("end", event.end().toString());
        List<String> files = new ArrayList<>();
        for (Path file : event.files()) {
            files.add(file.toString());
        }
        e.put("files", files);
        e.put("details", event.details());
        return e;
    }
}
