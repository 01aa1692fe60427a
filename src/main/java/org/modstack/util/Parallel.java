package org.modstack.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs an action on every element of a list on every core, each thread taking the next element
 * when it finishes one. A parallel stream cuts a list into a few fixed chunks (four on two
 * cores), and a tree's modules differ in cost a thousandfold (amdgpu's decompression alone is a
 * tenth of a full depmod): one core idled while the other finished its chunk.
 */
public final class Parallel {
    private Parallel() {
    }

    /**
     * Calls {@code action} once for each element, in this thread and the common pool's; returns
     * when every call has.
     */
    public static <T> void forEach(List<T> items, Consumer<? super T> action) {
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                action.accept(items.get(i));
            }
        };
        int helpers = Math.min(ForkJoinPool.getCommonPoolParallelism(), items.size() - 1);
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (int h = 0; h < helpers; h++) {
            tasks.add(ForkJoinPool.commonPool().submit(work));
        }
        try {
            work.run();
        } finally {
            for (ForkJoinTask<?> t : tasks) {
                t.join();
            }
        }
    }
}
