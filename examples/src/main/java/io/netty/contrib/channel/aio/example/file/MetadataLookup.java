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
import io.netty.contrib.channel.aio.FileLookups;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a request's blocking file-system calls run: on the connection's event loop when the kernel can answer from its
 * caches, else on a small pool of metadata threads, so that a call that reads the disk (a directory block, an inode)
 * does not stall the other connections of the loop.
 *
 * <p>For a {@code GET} or {@code HEAD}, {@link #open} resolves, opens and stats the target. First below the root's
 * descriptor ({@link RootDirectory}): {@code openat2(2)} with {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}, and with
 * {@link Policy#AUTO} on the loop also {@code RESOLVE_CACHED}, which fails at once with {@code EAGAIN} unless every
 * component of the path is in the dentry cache; a file whose dentry is cached has its inode in memory, so stat-ing it
 * then needs no disk. Opened: the response has its file, after {@code openat2} and {@code fstat} only. {@code EAGAIN}:
 * the same lookup, without {@code RESOLVE_CACHED}, runs on a metadata thread. A path with a symbolic link, a listing,
 * or a kernel without {@code openat2}: the target is resolved by its real path as before, where the older test puts
 * it: {@link FileLookups#isLookupCached} of the path ({@code openat2} with {@code RESOLVE_CACHED}, following
 * links). For a path that ends with {@code /} the probe is its {@value RequestTarget#INDEX}: only an index that opens from the
 * cache is served on the loop; a listing (which reads the directory and every entry's inode) goes to the threads.
 *
 * <p>An upload's or a delete's steps ({@link #change}, {@link #finish}) create, rename, delete or sync files. The
 * kernel cannot say in advance that such a step will not wait for the disk: {@code RESOLVE_CACHED} vouches for a
 * lookup, not for the directory blocks searched for a new name, the inode allocated, or the journal; io_uring, for the
 * same reason, always hands {@code O_CREAT} opens ({@code io_openat_force_async}, {@code io_uring/openclose.c}),
 * {@code renameat}, {@code unlinkat} ({@code io_uring/fs.c}) and {@code fsync} ({@code io_uring/sync.c}) to its worker
 * threads ({@code REQ_F_FORCE_ASYNC}). So they run on the loop only with {@link Policy#LOOP}. A step's outcome
 * continues on the loop.
 *
 * <p>The threads are bounded, and so is the number of steps waiting for them: a lookup or a step that starts new work
 * and finds {@code queue} steps waiting is refused, and the request is answered {@code 503}, rather than waiting on the
 * loop. Steps that finish or undo work already admitted (an upload's rename, its directory sync, deleting its
 * temporary file: at most one per upload under way) are never refused, and those still waiting when the server stops
 * are {@link Step#abandoned(Runnable) abandoned}. Counts of the three outcomes are kept for the log line at shutdown
 * and for tests.
 */
final class MetadataLookup {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(MetadataLookup.class);

    /** Where lookups and steps run ({@code --metadata-lookup}). */
    enum Policy {
        /** On the loop when cached, else on the metadata threads. */
        AUTO,
        /** Always on the metadata threads (and the only choice before Linux 5.12). */
        THREADS,
        /** Always on the loop, blocking it when the disk must be read: the behaviour without this class. */
        LOOP
    }

    /**
     * One blocking file-system step and what follows it on the loop.
     *
     * @param <T> its outcome: the step reports failures in it rather than throwing
     */
    static final class Step<T> {
        private final String name;
        private final Supplier<T> work;
        private final Consumer<? super T> then;
        private Consumer<? super T> dropped;
        private Runnable abandoned;

        /**
         * @param name for the step observer and the log: {@code lookup}, {@code create}, {@code rename}, …
         * @param work the blocking calls; on the loop or on a metadata thread
         * @param then continues with the outcome on the loop; {@code null} for a step whose outcome nobody awaits
         */
        Step(String name, Supplier<T> work, Consumer<? super T> then) {
            this.name = name;
            this.work = work;
            this.then = then;
        }

        /** What undoes the outcome when it cannot reach the loop (the loop has stopped); on the step's thread. */
        Step<T> dropped(Consumer<? super T> undo) {
            dropped = undo;
            return this;
        }

        /** What runs instead of the step if the server stops before a metadata thread has started it. */
        Step<T> abandoned(Runnable instead) {
            abandoned = instead;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Policy policy;
    private final RootDirectory root;
    private final int queue;
    private final ThreadPoolExecutor threads;
    /** Steps handed to the threads and not started yet. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder onLoop = new LongAdder();
    private final LongAdder offloaded = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder beneath = new LongAdder();
    private final LongAdder byPath = new LongAdder();
    /** Runs before each step on a metadata thread: tests hold steps out with it. */
    private volatile Runnable beforeOffloadedLookup;
    /** Gets the name of each step on the thread that runs it, loop or metadata thread: for tests. */
    private volatile Consumer<String> stepObserver;

    /**
     * @param root the served directory (a real path): its descriptor is held open until {@link #shutdown}
     * @param threads metadata threads
     * @param queue lookups and steps that may wait for a thread; more are refused
     */
    MetadataLookup(Path root, Policy policy, int threads, int queue) {
        boolean cachedProbe = Aio.isAvailable() && FileLookups.isOpenCachedSupported();
        this.policy = policy == Policy.AUTO && !cachedProbe ? Policy.THREADS : policy;
        this.root = RootDirectory.open(root);
        this.queue = queue;
        // The bound is counted here (waiting), not by the queue: steps that finish admitted work may pass it.
        this.threads = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("file-server-metadata", true), new ThreadPoolExecutor.AbortPolicy());
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
     * @return {@code false} if the lookup had to go to the threads and too many steps were waiting: {@code then} is
     *         not called, the request should be answered {@code 503}
     */
    boolean open(Path root, String uri, boolean dotfiles, Executor loop, Consumer<OpenedTarget> then) {
        RootDirectory dir = this.root;
        if (dir.available() && dir.path().equals(root)) {
            if (policy != Policy.AUTO) {
                // A target refused from its text alone (null) needs no file system: it is answered here.
                boolean here = policy == Policy.LOOP || RequestTarget.lookupPath(root, uri, dotfiles) == null;
                return run(lookup(() -> beneathOrByPath(dir, uri, dotfiles), then), here, loop, true);
            }
            RootDirectory.Lookup cached = dir.lookup(uri, dotfiles, true);
            switch (cached.outcome) {
                case ANSWERED:
                    beneath.increment();
                    return run(lookup(() -> cached.opened, then), true, loop, true);
                case NOT_CACHED:
                    return run(lookup(() -> beneathOrByPath(dir, uri, dotfiles), then), false, loop, true);
                default:
                    break; // as below
            }
        }
        return run(lookup(() -> byPath(root, uri, dotfiles), then),
                runsOnLoop(RequestTarget.lookupPath(root, uri, dotfiles)), loop, true);
    }

    private static Step<OpenedTarget> lookup(Supplier<OpenedTarget> work, Consumer<OpenedTarget> then) {
        // dropped: the server is stopping, nobody will send it
        return new Step<>("lookup", work, then).dropped(OpenedTarget::close);
    }

    /** The blocking lookup: below the root's descriptor, else by real path. */
    private OpenedTarget beneathOrByPath(RootDirectory dir, String uri, boolean dotfiles) {
        RootDirectory.Lookup lookup = dir.lookup(uri, dotfiles, false);
        if (lookup.outcome == RootDirectory.Outcome.ANSWERED) {
            beneath.increment();
            return lookup.opened;
        }
        return byPath(dir.path(), uri, dotfiles);
    }

    private OpenedTarget byPath(Path root, String uri, boolean dotfiles) {
        byPath.increment();
        return OpenedTarget.open(root, uri, dotfiles);
    }

    /**
     * Runs a step that starts new work by changing the file system (an upload's temporary file, a delete): on the
     * loop, at once, with {@link Policy#LOOP}, else on a metadata thread, its outcome then given to the step's
     * {@code then} on {@code loop}.
     *
     * @return {@code false} if too many steps were waiting: the step does not run, the request should be answered
     *         {@code 503}
     */
    <T> boolean change(Step<T> step, Executor loop) {
        return run(step, policy == Policy.LOOP, loop, true);
    }

    /**
     * Runs a step that finishes or undoes work already admitted (a rename, a directory sync, deleting a temporary
     * file) as {@link #change} does, but never refuses it.
     */
    <T> void finish(Step<T> step, Executor loop) {
        run(step, policy == Policy.LOOP, loop, false);
    }

    /**
     * {@code true} if a call that looks up {@code probe} may be made on the loop now: always with {@link Policy#LOOP},
     * never with {@link Policy#THREADS}, with {@link Policy#AUTO} when the kernel has the path cached. A {@code true}
     * answer is counted as a step on the loop.
     */
    boolean lookupOnLoop(Path probe) {
        if (runsOnLoop(probe)) {
            onLoop.increment();
            return true;
        }
        return false;
    }

    private <T> boolean run(Step<T> step, boolean here, Executor loop, boolean refusable) {
        if (here) {
            onLoop.increment();
            T outcome = perform(step);
            if (step.then != null) {
                step.then.accept(outcome);
            }
            return true;
        }
        if (waiting.incrementAndGet() > queue && refusable) {
            waiting.decrementAndGet();
            refused.increment();
            return false;
        }
        Offloaded<T> task = new Offloaded<>(step, loop);
        try {
            threads.execute(task);
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet(); // stopped
            if (refusable) {
                refused.increment();
                return false;
            }
            task.abandon();
            return true;
        }
        offloaded.increment();
        return true;
    }

    private <T> T perform(Step<T> step) {
        Consumer<String> observer = stepObserver;
        if (observer != null) {
            observer.accept(step.name);
        }
        return step.work.get();
    }

    /** A step on its way through the metadata threads. */
    private final class Offloaded<T> implements Runnable {
        private final Step<T> step;
        private final Executor loop;

        Offloaded(Step<T> step, Executor loop) {
            this.step = step;
            this.loop = loop;
        }

        @Override
        public void run() {
            waiting.decrementAndGet();
            Runnable hook = beforeOffloadedLookup;
            if (hook != null) {
                hook.run();
            }
            T outcome;
            try {
                outcome = perform(step);
            } catch (RuntimeException e) {
                // A step reports failures in its outcome: this is a bug; the request waits for its idle timeout.
                logger.warn("metadata step {} failed", step, e);
                return;
            }
            if (step.then == null) {
                return;
            }
            try {
                loop.execute(() -> step.then.accept(outcome));
            } catch (RejectedExecutionException e) {
                if (step.dropped != null) {
                    step.dropped.accept(outcome);
                }
            }
        }

        /** The step will not run: what should happen instead, on the calling thread. */
        void abandon() {
            if (step.abandoned != null) {
                try {
                    step.abandoned.run();
                } catch (RuntimeException e) {
                    logger.warn("{} abandoned at shutdown failed", step, e);
                }
            }
        }
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
                return FileLookups.isLookupCached(probe);
            }
            AioFileDescriptor fd = FileLookups.openCached(probe, AioFiles.O_PATH);
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

    /** Lookups and steps run on the loop. */
    long onLoop() {
        return onLoop.sum();
    }

    /** Lookups and steps sent to the metadata threads. */
    long offloaded() {
        return offloaded.sum();
    }

    /** Lookups and steps refused because too many were waiting for the threads. */
    long refused() {
        return refused.sum();
    }

    /** Lookups answered below the root's descriptor ({@link RootDirectory}), without resolving a real path. */
    long beneath() {
        return beneath.sum();
    }

    /** Lookups resolved by real path ({@link OpenedTarget#open}): symbolic links, listings, no {@code openat2}. */
    long byPath() {
        return byPath.sum();
    }

    /** Sets what runs before each step on a metadata thread ({@code null}: nothing). For tests. */
    void beforeOffloadedLookup(Runnable hook) {
        beforeOffloadedLookup = hook;
    }

    /** Sets what gets each step's name, on the thread that runs the step ({@code null}: nothing). For tests. */
    void stepObserver(Consumer<String> observer) {
        stepObserver = observer;
    }

    /**
     * Stops the threads: steps not started are dropped (or run what their {@link Step#abandoned(Runnable)} says, on
     * this thread), those running may finish within {@code timeoutMillis}.
     */
    void shutdown(long timeoutMillis) throws InterruptedException {
        try {
            for (Runnable notStarted : threads.shutdownNow()) {
                ((Offloaded<?>) notStarted).abandon();
            }
            threads.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } finally {
            root.close(); // at once, or when a lookup still running has finished with it
        }
    }

    /**
     * For the log line at shutdown, for example {@code metadata lookups (auto): 120 on the loop, 8 on metadata
     * threads, 0 refused (queue full); 125 below the root descriptor, 3 by real path}.
     */
    @Override
    public String toString() {
        return "metadata lookups (" + policy.name().toLowerCase(Locale.ROOT) + "): " + onLoop() + " on the loop, "
                + offloaded() + " on metadata threads, " + refused() + " refused (queue full); " + beneath()
                + " below the root descriptor, " + byPath() + " by real path";
    }
}
