package io.netty.contrib.channel.aio.microbench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Median, minimum and maximum of one number over the repetitions of a cell (NaN values left out). */
final class Stats {
    final double median;
    final double min;
    final double max;
    final int n;

    private Stats(double median, double min, double max, int n) {
        this.median = median;
        this.min = min;
        this.max = max;
        this.n = n;
    }

    static Stats of(List<CellResult> results, ToDoubleFunction<CellResult> f) {
        double[] v = results.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    @Override
    public String toString() {
        return Arrays.toString(new double[] {median, min, max});
    }
}
