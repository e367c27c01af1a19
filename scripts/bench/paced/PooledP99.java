import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request of every round at a fixed rate in one distribution per target, and how far the ratio of their p99s
 * can be trusted: gateway-ab.sh's report of its paced loads.
 *
 * <pre>java PooledP99.java DIR NAME... REFERENCE</pre>
 *
 * Reads {@code DIR/trace-NAME-ROUND.txt} ({@code due_epoch_ms latency_us} per request, as PacedGet.java writes them)
 * for the rounds every target has, and prints each target's pooled p50, p99 and p99.9 (nearest rank) and its p99
 * over the reference's.
 *
 * <p>One number per run hides how much the run could have said otherwise: on a shared two-core machine a slowdown
 * of a second lands on one target's turn in one round and moves that target's pooled p99 by a third (docs/
 * benchmarks.md, issue 22). So it also gives each ratio's 95 % interval by a bootstrap over rounds: 2,000 times, it
 * draws as many rounds as there are, with replacement, pools each target's requests in the rounds drawn, and takes
 * the ratio. The rounds are drawn together for all targets, since they shared the machine within a round. It prints
 * the share of draws in which the ratio was at most {@code PACED_BOUND} (default 1.2) as well. Inside a draw the
 * percentiles come from per-round histograms of 0.5 % wide buckets, which is finer than the interval.
 *
 * <p>With {@code DIR/stalls-ROUND.txt} ({@code from_epoch_ms to_epoch_ms}, PacedGet.java's {@code PACED_STALLS}), it
 * reports all of it again without the requests the load generator's own stalls delayed: those in flight during a
 * stall or due before it had caught up, taken as twice the stall's length after it, at least 1 s. It says so in one
 * line when no stall left a request out.
 */
public final class PooledP99 {

    private static final int DRAWS = 2_000;
    private static final double BUCKET_WIDTH = Math.log(1.005);
    private static final Pattern TRACE = Pattern.compile("trace-(.+)-(\\d+)\\.txt");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String[] names = Arrays.copyOfRange(args, 1, args.length);
        double bound = Double.parseDouble(System.getenv().getOrDefault("PACED_BOUND", "1.2"));
        List<Integer> rounds = roundsOfAll(dir, names);
        if (rounds.isEmpty()) {
            return;
        }
        long[][][] all = new long[names.length][rounds.size()][];
        long[][][] unstalled = new long[names.length][rounds.size()][];
        long leftOut = 0;
        for (int t = 0; t < names.length; t++) {
            for (int r = 0; r < rounds.size(); r++) {
                double[][] trace = read(dir.resolve("trace-" + names[t] + "-" + rounds.get(r) + ".txt"));
                double[][] stalls = read(dir.resolve("stalls-" + rounds.get(r) + ".txt"));
                all[t][r] = latencies(trace, new double[0][]);
                unstalled[t][r] = latencies(trace, stalls);
                leftOut += all[t][r].length - unstalled[t][r].length;
            }
        }
        System.out.println("\nAt the fixed rate, every request of every round pooled (nearest rank):\n");
        report(names, all, null, bound);
        if (leftOut == 0) {
            System.out.println("\nNo request left out: the pooled p99 above stands.");
            return;
        }
        System.out.println("\nAt the fixed rate, every request of every round pooled but those the load generator's"
                + " stalls delayed:\n");
        report(names, unstalled, all, bound);
    }

    /** The rounds for which every target has a trace, in order. */
    private static List<Integer> roundsOfAll(Path dir, String[] names) throws IOException {
        TreeSet<Integer> common = null;
        for (String name : names) {
            TreeSet<Integer> rounds = new TreeSet<>();
            try (var files = Files.list(dir)) {
                files.forEach(file -> {
                    Matcher m = TRACE.matcher(file.getFileName().toString());
                    if (m.matches() && m.group(1).equals(name)) {
                        rounds.add(Integer.parseInt(m.group(2)));
                    }
                });
            }
            if (common == null) {
                common = rounds;
            } else {
                common.retainAll(rounds);
            }
        }
        return common == null ? List.of() : new ArrayList<>(common);
    }

    private static double[][] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new double[0][];
        }
        return Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .map(line -> Arrays.stream(line.split("\\s+")).mapToDouble(Double::parseDouble).toArray())
                .toArray(double[][]::new);
    }

    /** A round's latencies in us, sorted, without the requests a stall of the load generator delayed. */
    private static long[] latencies(double[][] trace, double[][] stalls) {
        return Arrays.stream(trace)
                .filter(row -> Arrays.stream(stalls).noneMatch(stall -> delayedBy(row, stall)))
                .mapToLong(row -> (long) row[1])
                .sorted()
                .toArray();
    }

    private static boolean delayedBy(double[] request, double[] stall) {
        double grace = Math.max(1000, 2 * (stall[1] - stall[0]));
        return request[0] + request[1] / 1000 >= stall[0] && request[0] <= stall[1] + grace;
    }

    private static void report(String[] names, long[][][] rounds, long[][][] before, double bound) {
        int ref = names.length - 1;
        double[] p99 = new double[names.length];
        System.out.println(before == null
                ? "| gateway | requests | p50 ms | p99 ms | p99.9 ms |\n|---|---:|---:|---:|---:|"
                : "| gateway | requests | left out | p50 ms | p99 ms | p99.9 ms |\n|---|---:|---:|---:|---:|---:|");
        for (int t = 0; t < names.length; t++) {
            long[] pooled = Arrays.stream(rounds[t]).flatMapToLong(Arrays::stream).sorted().toArray();
            p99[t] = rank(pooled, 0.99);
            String leftOut = before == null
                    ? ""
                    : " " + (Arrays.stream(before[t]).mapToLong(r -> r.length).sum() - pooled.length) + " |";
            System.out.printf(Locale.ROOT, "| %s | %d |%s %.2f | %.2f | %.2f |%n", names[t], pooled.length, leftOut,
                    rank(pooled, 0.5) / 1000, p99[t] / 1000, rank(pooled, 0.999) / 1000);
        }
        double[][] draws = bootstrap(rounds, ref);
        StringBuilder ratios = new StringBuilder("\npooled p99 over " + names[ref] + "'s:");
        for (int t = 0; t < ref; t++) {
            double[] d = draws[t];
            Arrays.sort(d);
            long within = Arrays.stream(d).filter(ratio -> ratio <= bound).count();
            ratios.append(String.format(Locale.ROOT,
                    "%s %s %.2f (95 %% interval over the rounds %.2f-%.2f; at most %.1f in %.0f %% of draws)",
                    t == 0 ? "" : ",", names[t], p99[t] / p99[ref], d[(int) (0.025 * DRAWS)],
                    d[(int) (0.975 * DRAWS) - 1], bound, 100.0 * within / DRAWS));
        }
        System.out.println(ratios);
    }

    /** For each target but the reference, the ratio of its pooled p99 to the reference's in each draw of rounds. */
    private static double[][] bootstrap(long[][][] rounds, int ref) {
        int targets = rounds.length;
        int n = rounds[0].length;
        int buckets = 0;
        for (long[][] target : rounds) {
            for (long[] round : target) {
                if (round.length > 0) {
                    buckets = Math.max(buckets, bucket(round[round.length - 1]) + 1);
                }
            }
        }
        int[][][] histograms = new int[targets][n][buckets];
        for (int t = 0; t < targets; t++) {
            for (int r = 0; r < n; r++) {
                for (long latency : rounds[t][r]) {
                    histograms[t][r][bucket(latency)]++;
                }
            }
        }
        SplittableRandom random = new SplittableRandom(1);
        double[][] ratios = new double[targets - 1][DRAWS];
        int[] weight = new int[n];
        long[] pooled = new long[buckets];
        double[] p99 = new double[targets];
        for (int draw = 0; draw < DRAWS; draw++) {
            Arrays.fill(weight, 0);
            for (int i = 0; i < n; i++) {
                weight[random.nextInt(n)]++;
            }
            for (int t = 0; t < targets; t++) {
                Arrays.fill(pooled, 0);
                long total = 0;
                for (int r = 0; r < n; r++) {
                    if (weight[r] > 0) {
                        for (int b = 0; b < buckets; b++) {
                            pooled[b] += (long) weight[r] * histograms[t][r][b];
                        }
                        total += (long) weight[r] * rounds[t][r].length;
                    }
                }
                long wanted = (long) Math.ceil(0.99 * total);
                long seen = 0;
                int b = 0;
                while (b < buckets - 1 && (seen += pooled[b]) < wanted) {
                    b++;
                }
                p99[t] = Math.exp((b + 0.5) * BUCKET_WIDTH);
            }
            for (int t = 0; t < targets - 1; t++) {
                ratios[t][draw] = p99[t] / p99[ref];
            }
        }
        return ratios;
    }

    private static int bucket(long latencyMicros) {
        return (int) (Math.log(Math.max(1, latencyMicros)) / BUCKET_WIDTH);
    }

    /** Nearest rank: the smallest latency at or above which a fraction q of them lies. */
    private static double rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(1, i) - 1];
    }
}
