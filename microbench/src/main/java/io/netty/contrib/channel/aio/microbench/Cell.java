package io.netty.contrib.channel.aio.microbench;

/** One measured situation of a workload (a row of its table, before the configuration is chosen). */
final class Cell {
    final Workload workload;
    final String label;
    final FileSet files;
    final boolean cold;
    final int connections;
    final int threads;
    final int seconds;
    final int warmupSeconds;

    Cell(Workload workload, String label, FileSet files, boolean cold, int connections, int threads, int seconds,
         int warmupSeconds) {
        this.workload = workload;
        this.label = label;
        this.files = files;
        this.cold = cold;
        this.connections = connections;
        this.threads = threads;
        this.seconds = seconds;
        this.warmupSeconds = warmupSeconds;
    }

    boolean probe() {
        return workload == Workload.ISOLATION;
    }

    boolean zipf() {
        return workload == Workload.ZIPF;
    }

    /** What the server sees: two cells with the same key are the same measurement. */
    String loadKey() {
        return files.root + "/" + files.name() + " x" + files.count + (cold ? " cold" : " hot") + " c" + connections
                + " t" + threads + " " + seconds + "+" + warmupSeconds + "s" + (probe() ? " probe" : "")
                + (zipf() ? " zipf" : "");
    }

    @Override
    public String toString() {
        return workload.id() + " / " + label;
    }
}
