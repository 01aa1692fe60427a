package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ParallelTest {

    @Property(tries = 200)
    void everyElementIsGivenToTheActionOnceBeforeForEachReturns(@ForAll @IntRange(min = 0, max = 2000) int size) {
        List<Integer> items = IntStream.range(0, size).boxed().toList();
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        Parallel.forEach(items, i -> calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet());
        assertThat(calls).hasSize(size);
        assertThat(calls.values()).allMatch(c -> c.get() == 1);
    }

    @Property(tries = 10)
    void aSlowElementDoesNotHoldBackTheOthers(@ForAll @IntRange(min = 2, max = 50) int size) {
        // one thread busy on the first element, the rest taken by whoever is free
        List<Integer> items = IntStream.range(0, size).boxed().toList();
        Map<String, AtomicInteger> byThread = new ConcurrentHashMap<>();
        Parallel.forEach(items, i -> {
            byThread.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
            if (i == 0) {
                sleep(300);
            }
        });
        assertThat(byThread.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(size);
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertThat(byThread.values()).as("the thread on the slow element took no other").anyMatch(c -> c.get() == 1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
