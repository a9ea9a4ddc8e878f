package io.holmes.decide;

import io.holmes.DumpType;
import io.holmes.Rule;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The rules in force, changeable at run time from any thread while the collector reads them on every tick.
 * Each rule and flag is replaced whole, so a tick sees either the old or the new value, never a mix.
 */
public final class RuleBook {

    private final AtomicReferenceArray<Rule> rules = new AtomicReferenceArray<>(DumpType.values().length);
    private final AtomicIntegerArray enabled = new AtomicIntegerArray(DumpType.values().length);
    private volatile int cpuMax;

    /**
     * @param rules   one rule per type (configured or default)
     * @param enabled which of them fire
     * @param cpuMax  CPU % at or above which no capture starts; 0 = off
     */
    public RuleBook(Iterable<Rule> rules, Iterable<DumpType> enabled, int cpuMax) {
        for (Rule rule : rules) {
            this.rules.set(rule.type().ordinal(), rule);
        }
        for (DumpType type : DumpType.values()) {
            if (this.rules.get(type.ordinal()) == null) {
                throw new IllegalArgumentException("no rule for " + type);
            }
        }
        for (DumpType type : enabled) {
            this.enabled.set(type.ordinal(), 1);
        }
        this.cpuMax = cpuMax;
    }

    public Rule rule(DumpType type) {
        return rules.get(type.ordinal());
    }

    public void setRule(Rule rule) {
        Objects.requireNonNull(rule, "rule");
        rules.set(rule.type().ordinal(), rule);
    }

    public boolean isEnabled(DumpType type) {
        return enabled.get(type.ordinal()) == 1;
    }

    public void setEnabled(DumpType type, boolean on) {
        enabled.set(type.ordinal(), on ? 1 : 0);
    }

    public int cpuMax() {
        return cpuMax;
    }

    public void setCpuMax(int cpuMax) {
        this.cpuMax = cpuMax;
    }
}
