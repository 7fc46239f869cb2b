/*
 * Copyright 2026 The Netty Project
 *
 * The Netty Project licenses this file to you under the Apache License,
 * version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at:
 *
 *   https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */
package io.netty.contrib.channel.aio.example.file;

import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Where a request's path lookup, open and stat run: on the connection's event loop when the kernel can answer from
 * its caches, else on a small pool of metadata threads, so that a lookup that reads the disk (a directory block, an
 * inode) does not stall the other connections of the loop.
 *
 * <p>The test is {@link AioFiles#isLookupCached}: {@code openat2(2)} with {@code RESOLVE_CACHED}, which fails at once
 * with {@code EAGAIN} unless every component of the path is in the dentry cache; a file whose dentry is cached has its
 * inode in memory, so opening and stat-ing it then needs no disk. A cached lookup costs one extra system call and no
 * thread hop. For a path that ends with {@code /} the probe is its {@value RequestTarget#INDEX}: only an index that
 * opens from the cache is served on the loop; a listing (which reads the directory and every entry's inode) always
 * goes to the threads.
 *
 * <p>The threads are bounded, and so is their queue: a lookup that finds it full is refused, and the request is
 * answered {@code 503}, rather than waiting on the loop. Counts of the three outcomes are kept for the log line at
 * shutdown and for tests.
 */
final class MetadataLookup {

    /** Where lookups run ({@code --metadata-lookup}). */
    enum Policy {
        /** On the loop when cached, else on the metadata threads. */
        AUTO,
        /** Always on the metadata threads (and the only choice before Linux 5.12). */
        THREADS,
        /** Always on the loop, blocking it when the disk must be read: the behaviour without this class. */
        LOOP
    }

    private final Policy policy;
    private final ThreadPoolExecutor threads;
    private final LongAdder onLoop = new LongAdder();
    private final LongAdder offloaded = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Runs before each lookup on a metadata thread: tests hold lookups out with it. */
    private volatile Runnable beforeOffloadedLookup;

    /**
     * @param threads metadata threads
     * @param queue lookups that may wait for a thread; more are refused
     */
    MetadataLookup(Policy policy, int threads, int queue) {
        boolean cachedProbe = Aio.isAvailable() && AioFiles.isOpenCachedSupported();
        this.policy = policy == Policy.AUTO && !cachedProbe ? Policy.THREADS : policy;
        this.threads = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), new DefaultThreadFactory("file-server-metadata", true),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** The policy in effect: {@link Policy#AUTO} becomes {@link Policy#THREADS} where the probe is not available. */
    Policy policy() {
        return policy;
    }

    /**
     * Resolves, opens and stats the target of {@code uri}, then calls {@code then} on {@code loop} with the result:
     * at once (before this returns) when the lookup was cached, later when it ran on a metadata thread. If the loop
     * no longer runs tasks, the result is closed and {@code then} is not called.
     *
     * @return {@code false} if the lookup had to go to the threads and their queue was full: {@code then} is not
     *         called, the request should be answered {@code 503}
     */
    boolean open(Path root, String uri, boolean dotfiles, Executor loop, Consumer<OpenedTarget> then) {
        if (runsOnLoop(RequestTarget.lookupPath(root, uri, dotfiles))) {
            onLoop.increment();
            then.accept(OpenedTarget.open(root, uri, dotfiles));
            return true;
        }
        try {
            threads.execute(() -> {
                Runnable hook = beforeOffloadedLookup;
                if (hook != null) {
                    hook.run();
                }
                OpenedTarget opened = OpenedTarget.open(root, uri, dotfiles);
                try {
                    loop.execute(() -> then.accept(opened));
                } catch (RejectedExecutionException e) {
                    opened.close(); // the server is stopping: nobody will send it
                }
            });
        } catch (RejectedExecutionException e) {
            refused.increment();
            return false;
        }
        offloaded.increment();
        return true;
    }

    /** {@code true} if the lookup of {@code probe} (null: refused before any lookup) can run on the loop. */
    private boolean runsOnLoop(Path probe) {
        if (probe == null || policy == Policy.LOOP) {
            return true;
        }
        if (policy == Policy.THREADS) {
            return false;
        }
        try {
            if (!probe.getFileName().toString().equals(RequestTarget.INDEX)) {
                return AioFiles.isLookupCached(probe);
            }
            AioFileDescriptor fd = AioFiles.openCached(probe, AioFiles.O_PATH);
            if (fd == null) {
                return false;
            }
            fd.close();
            return true;
        } catch (IOException e) {
            // An answer the cache gave without the disk; for an index, a listing follows: the threads read it.
            return !probe.getFileName().toString().equals(RequestTarget.INDEX);
        }
    }

    /** Lookups answered on the loop. */
    long onLoop() {
        return onLoop.sum();
    }

    /** Lookups sent to the metadata threads. */
    long offloaded() {
        return offloaded.sum();
    }

    /** Lookups refused because the threads' queue was full. */
    long refused() {
        return refused.sum();
    }

    /** Sets what runs before each lookup on a metadata thread ({@code null}: nothing). For tests. */
    void beforeOffloadedLookup(Runnable hook) {
        beforeOffloadedLookup = hook;
    }

    /** Stops the threads: lookups not started are dropped, those running may finish within {@code timeoutMillis}. */
    void shutdown(long timeoutMillis) throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * For the log line at shutdown, for example
     * {@code metadata lookups (auto): 120 on the loop, 8 on metadata threads, 0 refused (queue full)}.
     */
    @Override
    public String toString() {
        return "metadata lookups (" + policy.name().toLowerCase(Locale.ROOT) + "): " + onLoop() + " on the loop, "
                + offloaded() + " on metadata threads, " + refused() + " refused (queue full)";
    }
}
