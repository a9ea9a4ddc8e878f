package io.holmes.reporters.reference;

/** Runs under Pyroscope's Java agent in a child JVM: burns CPU for the milliseconds given, then exits. */
public final class BurnForAgent {

    private static volatile long sink;

    private BurnForAgent() {
    }

    public static void main(String[] args) {
        long end = System.currentTimeMillis() + Long.parseLong(args[0]);
        long x = 1;
        while (System.currentTimeMillis() < end) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 31 + i;
            }
            sink = x;
        }
    }
}
