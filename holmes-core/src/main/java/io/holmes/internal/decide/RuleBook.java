package io.holmes.internal.decide;

import io.holmes.DumpType;
import io.holmes.Rule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The triggers in force, by position: their names, what each captures, and their rules and on/off flags, which may
 * be changed at run time from any thread while the collector reads them on every tick. Each rule and flag is
 * replaced whole, so a tick sees either the old or the new value, never a mix. The first three triggers are always
 * the built-in {@code cpu}, {@code mem} and {@code thread}, whose readings exist whether or not their rule is on.
 */
public final class RuleBook {

    /**
     * One trigger as the book starts with it.
     *
     * @param name     unique name, also the event's {@code trigger}
     * @param rule     its thresholds
     * @param captures what a firing takes, one event per type
     * @param enabled  whether the rule fires
     */
    public record Entry(String name, Rule rule, Set<DumpType> captures, boolean enabled) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rule, "rule");
            captures = Set.copyOf(captures);
        }
    }

    private final String[] names;
    private final DumpType[][] captures;
    private final AtomicReferenceArray<Rule> rules;
    private final AtomicIntegerArray enabled;
    private volatile int cpuMax;

    /**
     * @param entries the triggers, {@code cpu}, {@code mem} and {@code thread} first, names unique
     * @param cpuMax  CPU % at or above which no capture starts; 0 = off
     */
    public RuleBook(List<Entry> entries, int cpuMax) {
        int n = entries.size();
        names = new String[n];
        captures = new DumpType[n][];
        rules = new AtomicReferenceArray<>(n);
        enabled = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            for (int j = 0; j < i; j++) {
                if (names[j].equals(e.name())) {
                    throw new IllegalArgumentException("two triggers are named " + e.name());
                }
            }
            names[i] = e.name();
            captures[i] = EnumSet.copyOf(e.captures()).toArray(new DumpType[0]);
            rules.set(i, e.rule());
            enabled.set(i, e.enabled() ? 1 : 0);
        }
        for (DumpType type : DumpType.values()) {
            if (index(type.fileTag()) != type.ordinal()) {
                throw new IllegalArgumentException("the book must start with the cpu, mem and thread triggers");
            }
        }
        this.cpuMax = cpuMax;
    }

    /**
     * The book of the three original triggers only.
     *
     * @param rules   one rule per type (configured or default)
     * @param enabled which of them fire
     * @param cpuMax  CPU % at or above which no capture starts; 0 = off
     */
    public RuleBook(Iterable<Rule> rules, Iterable<DumpType> enabled, int cpuMax) {
        this(originals(rules, enabled), cpuMax);
    }

    private static List<Entry> originals(Iterable<Rule> rules, Iterable<DumpType> enabled) {
        Rule[] byType = new Rule[DumpType.values().length];
        for (Rule rule : rules) {
            byType[rule.type().ordinal()] = rule;
        }
        Set<DumpType> on = EnumSet.noneOf(DumpType.class);
        enabled.forEach(on::add);
        List<Entry> entries = new ArrayList<>();
        for (DumpType type : DumpType.values()) {
            if (byType[type.ordinal()] == null) {
                throw new IllegalArgumentException("no rule for " + type);
            }
            entries.add(new Entry(type.fileTag(), byType[type.ordinal()], EnumSet.of(type), on.contains(type)));
        }
        return entries;
    }

    /** How many triggers the book holds. */
    public int size() {
        return names.length;
    }

    public String name(int trigger) {
        return names[trigger];
    }

    /** The position of the trigger named {@code name}, or -1. */
    public int index(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The position of the original trigger of {@code type}. */
    public int index(DumpType type) {
        return type.ordinal();
    }

    /** What the trigger captures; the caller must not change the array. */
    public DumpType[] captures(int trigger) {
        return captures[trigger];
    }

    public List<String> names() {
        return List.of(names);
    }

    public Rule rule(int trigger) {
        return rules.get(trigger);
    }

    public void setRule(int trigger, Rule rule) {
        rules.set(trigger, Objects.requireNonNull(rule, "rule"));
    }

    public boolean isEnabled(int trigger) {
        return enabled.get(trigger) == 1;
    }

    public void setEnabled(int trigger, boolean on) {
        enabled.set(trigger, on ? 1 : 0);
    }

    public Rule rule(DumpType type) {
        return rule(index(type));
    }

    /** Replaces the rule of the original trigger of {@code rule.type()}. */
    public void setRule(Rule rule) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(rule.type(), "rule.type");
        setRule(index(rule.type()), rule);
    }

    public boolean isEnabled(DumpType type) {
        return isEnabled(index(type));
    }

    public void setEnabled(DumpType type, boolean on) {
        setEnabled(index(type), on);
    }

    public int cpuMax() {
        return cpuMax;
    }

    public void setCpuMax(int cpuMax) {
        this.cpuMax = cpuMax;
    }
}
