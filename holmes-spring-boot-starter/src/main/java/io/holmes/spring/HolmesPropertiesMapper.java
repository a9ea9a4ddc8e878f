package io.holmes.spring;

import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Probe;
import io.holmes.Problem;
import io.holmes.Rule;
import io.holmes.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

/**
 * The one place where {@code holmes.*} properties meet {@code Holmes.Builder}: properties that are set are passed
 * on, the others leave Holmes' defaults alone. Validation is Holmes' own ({@link Holmes.Builder#problems()}); this
 * class only puts each {@link Problem} on the property its builder option comes from.
 */
final class HolmesPropertiesMapper {

    /** Builder option (a {@link Problem#option()}) to {@link HolmesProperties} field path. */
    private static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("collectInterval", "collectInterval");
        FIELDS.put("cpuCores", "cpuCores");
        FIELDS.put("memoryLimit", "memoryLimit");
        FIELDS.put("dumpPath", "dumpPath");
        FIELDS.put("samplingTime", "samplingTime");
        FIELDS.put("cpuSamplingInterval", "cpuSamplingInterval");
        FIELDS.put("allocSamplingInterval", "allocSamplingInterval");
        FIELDS.put("cpuMax", "cpuMax");
        FIELDS.put("lookBack", "lookBack");
        FIELDS.put("reporterQueueCapacity", "reporterQueueCapacity");
        FIELDS.put("closeTimeout", "closeTimeout");
        FIELDS.put("dumpBudget.maxEvents", "dump.maxFiles");
        FIELDS.put("dumpBudget.maxBytes", "dump.maxSize");
        FIELDS.put("rssLimit", "rssLimit");
        for (String field : List.of("min", "diff", "abs", "max", "cooldown")) {
            FIELDS.put("cpuDump." + field, "cpu." + field);
            FIELDS.put("memDump." + field, "mem." + field);
            FIELDS.put("threadDump." + field, "thread." + field);
            FIELDS.put("gcHeapDump." + field, "gcHeap." + field);
            FIELDS.put("gcTimeDump." + field, "gcTime." + field);
            FIELDS.put("rssDump." + field, "rss." + field);
        }
    }

    /** Pyroscope reporter option (as its problems name it) to field path. */
    private static final Map<String, String> PYROSCOPE_FIELDS = new LinkedHashMap<>();

    static {
        PYROSCOPE_FIELDS.put("serverAddress", "pyroscope.serverAddress");
        PYROSCOPE_FIELDS.put("applicationName", "pyroscope.applicationName");
        PYROSCOPE_FIELDS.put("label", "pyroscope.labels");
        PYROSCOPE_FIELDS.put("tenantId", "pyroscope.tenantId");
        PYROSCOPE_FIELDS.put("basicAuth", "pyroscope.basicAuthUser");
        PYROSCOPE_FIELDS.put("bearerToken", "pyroscope.bearerToken");
        PYROSCOPE_FIELDS.put("header", "pyroscope.headers");
        PYROSCOPE_FIELDS.put("timeout", "pyroscope.timeout");
        PYROSCOPE_FIELDS.put("maxRetries", "pyroscope.maxRetries");
        PYROSCOPE_FIELDS.put("queueCapacity", "pyroscope.queueCapacity");
    }

    /**
     * Fields whose value may be a secret: a problem with one is reported against the field with a masked value,
     * because Spring Boot prints a rejected value in its start-up failure report.
     */
    private static final Set<String> SECRET_FIELDS = Set.of("pyroscope.serverAddress", "pyroscope.basicAuthPassword",
            "pyroscope.bearerToken", "pyroscope.headers");

    /** What Spring Boot shows instead of a secret rejected value. */
    static final String MASKED = "******";

    private HolmesPropertiesMapper() {
    }

    /**
     * A builder holding every property that is set; reporters and customizers are the caller's to add, and so is
     * switching off the rules {@link #disabledRules} lists once Holmes is built.
     */
    static Holmes.Builder toBuilder(HolmesProperties p) {
        Holmes.Builder b = Holmes.builder();
        if (p.getCollectInterval() != null) {
            b.collectInterval(p.getCollectInterval());
        }
        if (p.getCpuCores() != null) {
            b.cpuCores(p.getCpuCores());
        }
        if (p.getMemoryLimit() != null) {
            b.memoryLimit(p.getMemoryLimit().toBytes());
        }
        if (p.getDumpPath() != null) {
            b.dumpPath(p.getDumpPath());
        }
        if (p.getSamplingTime() != null) {
            b.samplingTime(p.getSamplingTime());
        }
        if (p.getCpuMax() != null) {
            b.cpuMax(p.getCpuMax());
        }
        if (p.getLookBack() != null) {
            b.lookBack(p.getLookBack());
        }
        if (p.getCpuSamplingInterval() != null) {
            b.cpuSamplingInterval(p.getCpuSamplingInterval());
        }
        if (p.getAllocSamplingInterval() != null) {
            b.allocSamplingInterval(p.getAllocSamplingInterval().toBytes());
        }
        if (p.getHeapDump() != null) {
            b.heapDump(p.getHeapDump());
        }
        if (p.getReporterQueueCapacity() != null) {
            b.reporterQueueCapacity(p.getReporterQueueCapacity());
        }
        if (p.getCloseTimeout() != null) {
            b.closeTimeout(p.getCloseTimeout());
        }
        if (p.getDump().getMaxFiles() != null || p.getDump().getMaxSize() != null) {
            b.dumpBudget(p.getDump().getMaxFiles() != null ? p.getDump().getMaxFiles() : Holmes.DEFAULT_MAX_EVENTS,
                    p.getDump().getMaxSize() != null ? p.getDump().getMaxSize().toBytes() : Holmes.DEFAULT_MAX_BYTES);
        }
        rule(p.getCpu(), DumpType.CPU, b);
        rule(p.getMem(), DumpType.MEM, b);
        rule(p.getThread(), DumpType.THREAD, b);
        if (p.getRssLimit() != null) {
            b.rssLimit(p.getRssLimit().toBytes());
        }
        if (runs(p.getGcHeap())) {
            Thresholds r = withDefaults(p.getGcHeap(), Trigger.GC_HEAP);
            b.gcHeapDump(r.min(), r.diff(), r.abs(), r.cooldown());
        }
        if (runs(p.getGcTime())) {
            Thresholds r = withDefaults(p.getGcTime(), Trigger.GC_TIME);
            b.gcTimeDump(r.min(), r.diff(), r.abs(), r.cooldown());
        }
        if (runs(p.getRss())) {
            Thresholds r = withDefaults(p.getRss(), Trigger.RSS);
            b.rssDump(r.min(), r.diff(), r.abs(), r.cooldown());
        }
        return b;
    }

    /** A newer built-in trigger runs when enabled is true, or when a threshold is set and enabled is not false. */
    private static boolean runs(HolmesProperties.Rule r) {
        if (r.getEnabled() != null) {
            return r.getEnabled();
        }
        return r.getMin() != null || r.getDiff() != null || r.getAbs() != null || r.getCooldown() != null;
    }

    /** The thresholds set, the built-in trigger's defaults for the others; unchecked (the builder checks them). */
    private static Thresholds withDefaults(HolmesProperties.Rule r, String trigger) {
        Rule d = Rule.defaults(trigger);
        return new Thresholds(r.getMin() != null ? r.getMin() : d.min(), r.getDiff() != null ? r.getDiff() : d.diff(),
                r.getAbs() != null ? r.getAbs() : d.abs(), r.getCooldown() != null ? r.getCooldown() : d.cooldown());
    }

    /** Thresholds carried to the builder as they are. */
    private record Thresholds(int min, int diff, int abs, Duration cooldown) {
    }

    /**
     * Every problem with {@code holmes.triggers.*}, each naming the property; checked without Micrometer, so that a
     * bad trigger fails start-up the same way whether or not the registry is there yet.
     */
    static List<String> meterTriggerProblems(HolmesProperties p) {
        List<String> problems = new ArrayList<>();
        if (!p.getTriggers().isEmpty() && !PyroscopeReporters.isPresent("io.micrometer.core.instrument.MeterRegistry")) {
            problems.add("holmes.triggers read Micrometer meters, but Micrometer is not on the class path");
        }
        for (Map.Entry<String, HolmesProperties.MeterTrigger> e : p.getTriggers().entrySet()) {
            String name = e.getKey();
            HolmesProperties.MeterTrigger t = e.getValue();
            String prefix = "holmes.triggers." + name + ".";
            if (t.getMeter() == null || t.getMeter().isBlank()) {
                problems.add(prefix + "meter must name a meter, for example http.server.requests");
            }
            if (MeterStatistic.parse(t.getStatistic()).isEmpty()) {
                problems.add(prefix + "statistic must be value, count-rate, mean, max or a percentile such as p99,"
                        + " but was " + t.getStatistic());
            }
            if (t.getMin() == null) {
                problems.add(prefix + "min must be set");
            }
            if (t.getAbs() == null) {
                problems.add(prefix + "abs must be set");
            }
            if (t.getMin() != null && t.getAbs() != null) {
                for (Problem problem : meterTriggerBuilder(name, t, () -> 0).problems()) {
                    String where = problem.option().equals("trigger.name")
                            ? "holmes.triggers." + name + ": the name" : prefix + problem.field();
                    problems.add(where + " " + problem.reason());
                }
            }
        }
        return problems;
    }

    /** The Holmes trigger of one {@code holmes.triggers.<name>} entry reading {@code probe}. */
    static Trigger meterTrigger(String name, HolmesProperties.MeterTrigger t, Probe probe) {
        return meterTriggerBuilder(name, t, probe).build();
    }

    private static Trigger.Builder meterTriggerBuilder(String name, HolmesProperties.MeterTrigger t, Probe probe) {
        return Trigger.builder(name, probe)
                .rule(t.getMin(), t.getDiff() != null ? t.getDiff() : 100, t.getAbs(), t.getCooldown())
                .max(t.getMax() != null ? t.getMax() : 0)
                .captures(t.getCaptures() == null ? new DumpType[0] : t.getCaptures().toArray(new DumpType[0]));
    }

    private static void rule(HolmesProperties.Rule r, DumpType type, Holmes.Builder b) {
        // Every rule is configured, from Holmes' defaults where a threshold is unset; "enabled: false" is applied
        // after build, so that the endpoint can still turn the rule on at run time.
        Rule d = Rule.defaults(type);
        int min = r.getMin() != null ? r.getMin() : d.min();
        int diff = r.getDiff() != null ? r.getDiff() : d.diff();
        int abs = r.getAbs() != null ? r.getAbs() : d.abs();
        Duration cooldown = r.getCooldown() != null ? r.getCooldown() : d.cooldown();
        switch (type) {
            case CPU -> b.cpuDump(min, diff, abs, cooldown);
            case MEM -> b.memDump(min, diff, abs, cooldown);
            default -> {
                Integer max = ((HolmesProperties.ThreadRule) r).getMax();
                b.threadDump(min, diff, abs, max != null ? max : d.max(), cooldown);
            }
        }
    }

    /** Rules with {@code enabled: false}: built like the others, then switched off before Holmes starts. */
    static List<DumpType> disabledRules(HolmesProperties p) {
        List<DumpType> off = new ArrayList<>();
        if (Boolean.FALSE.equals(p.getCpu().getEnabled())) {
            off.add(DumpType.CPU);
        }
        if (Boolean.FALSE.equals(p.getMem().getEnabled())) {
            off.add(DumpType.MEM);
        }
        if (Boolean.FALSE.equals(p.getThread().getEnabled())) {
            off.add(DumpType.THREAD);
        }
        return off;
    }

    /** Reports every problem Holmes finds with {@code p} against the property it comes from. */
    static void validate(HolmesProperties p, Errors errors) {
        for (Problem problem : toBuilder(p).problems()) {
            reject(errors, problem, FIELDS);
        }
        for (String problem : meterTriggerProblems(p)) {
            errors.reject("holmes.invalid", problem);
        }
        if (p.getPyroscope().isConfigured() && PyroscopeReporters.isPresent()) {
            for (Problem problem : PyroscopeReporters.problems(p.getPyroscope())) {
                reject(errors, problem, PYROSCOPE_FIELDS);
            }
        }
    }

    /** The {@link HolmesProperties} field path of a builder option, or {@code null} when no property sets it. */
    static String fieldOf(String option) {
        return FIELDS.get(option);
    }

    /** Puts {@code problem} on the property its option comes from, or on the whole of {@code holmes} when none. */
    private static void reject(Errors errors, Problem problem, Map<String, String> fields) {
        String field = fields.get(problem.option());
        if (field == null) {
            errors.reject("holmes.invalid", problem.message());
            return;
        }
        String message = "holmes." + kebab(field) + " " + problem.reason();
        if (SECRET_FIELDS.contains(field)) {
            rejectMasked(errors, field, message);
        } else {
            errors.rejectValue(field, "holmes.invalid", message);
        }
    }

    /**
     * Rejects {@code field} with {@link #MASKED} as its value: {@link Errors#rejectValue} would look the real value
     * up and hand it to Spring Boot's failure report.
     */
    private static void rejectMasked(Errors errors, String field, String message) {
        if (errors instanceof BindingResult result) {
            String[] codes = result.resolveMessageCodes("holmes.invalid", field);
            result.addError(new FieldError(result.getObjectName(), errors.getNestedPath() + field, MASKED, false, codes,
                    null, message));
        } else {
            errors.reject("holmes.invalid", message);
        }
    }

    /** {@code dump.maxFiles} → {@code dump.max-files}. */
    static String kebab(String fieldPath) {
        StringBuilder s = new StringBuilder();
        for (char c : fieldPath.toCharArray()) {
            if (Character.isUpperCase(c)) {
                s.append('-').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
