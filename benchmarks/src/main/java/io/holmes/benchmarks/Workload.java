package io.holmes.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * The reference workload of the overhead benchmarks: what a service does all day, in small: build a small
 * object, serialise it to bytes, hash the bytes. It mixes CPU work with a steady allocation rate.
 */
final class Workload {

    private Workload() {
    }

    record Order(long id, String customer, String sku, int quantity, long priceCents, String note) {
    }

    static Order nextOrder() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id = random.nextLong();
        return new Order(id, "customer-" + (id & 0xffff), "sku-" + random.nextInt(10_000), 1 + random.nextInt(9),
                random.nextLong(1, 1_000_000), "deliver between " + random.nextInt(24) + ":00 and noon");
    }

    static byte[] serialise(Order order) {
        byte[] customer = order.customer().getBytes(StandardCharsets.UTF_8);
        byte[] sku = order.sku().getBytes(StandardCharsets.UTF_8);
        byte[] note = order.note().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + customer.length + 4 + sku.length + 4 + 8 + 4 + note.length);
        buffer.putLong(order.id()).putInt(customer.length).put(customer).putInt(sku.length).put(sku)
                .putInt(order.quantity()).putLong(order.priceCents()).putInt(note.length).put(note);
        return buffer.array();
    }

    /** Rounds of allocation-free hashing after each unit: 0 (default) allocates at full speed, more slows it. */
    static final int HASH_ROUNDS = Integer.getInteger("workload.hashRounds", 0);

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);
    private static volatile long blackhole;

    /**
     * Starts one daemon thread per processor, named {@code workload-<n>}, that runs {@link #unit()} without pause
     * and counts each unit in {@code ops}; returns the threads.
     */
    static List<Thread> startOnEveryCore(LongAdder ops) {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread worker = new Thread(() -> {
                while (true) {
                    blackhole += unit();
                    ops.increment();
                }
            }, "workload-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        return workers;
    }

    /**
     * One unit of work, followed by {@link #HASH_ROUNDS} rounds of hashing a preallocated buffer, which take CPU and
     * allocate nothing: the knob that sets the allocation rate.
     */
    static long unit() {
        long hash = serialiseAndHash();
        if (HASH_ROUNDS > 0) {
            byte[] scratch = SCRATCH.get();
            CRC32C crc = new CRC32C();
            for (int i = 0; i < HASH_ROUNDS; i++) {
                scratch[i & 4095] = (byte) hash;
                crc.update(scratch);
                hash = hash * 31 + crc.getValue();
            }
        }
        return hash;
    }

    /** One unit of work; the returned hash keeps the JIT from discarding it. */
    static long serialiseAndHash() {
        long hash = 0;
        for (int i = 0; i < 16; i++) {
            byte[] bytes = serialise(nextOrder());
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            hash = hash * 31 + crc.getValue();
        }
        return hash;
    }
}
