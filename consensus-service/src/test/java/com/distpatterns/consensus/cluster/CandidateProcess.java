package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** An {@link ElectionCandidate} as its own JVM; what it says is read from its output file. */
final class CandidateProcess implements AutoCloseable {

    final String label;
    private final Path output;
    private final Process process;

    private CandidateProcess(String label, Path output, Process process) {
        this.label = label;
        this.output = output;
        this.process = process;
    }

    static CandidateProcess start(Path dir, String election, List<String> nodes, String label, int ttlSeconds,
            long holdMs)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path output = dir.resolve("candidate-" + label + ".out");
        Process process = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                classpath,
                ElectionCandidate.class.getName(), election, String.join(",", nodes), label,
                Integer.toString(ttlSeconds),
                Long.toString(holdMs))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new CandidateProcess(label, output, process);
    }

    /** Its lines so far, without the leading timestamp. */
    List<String> lines() {
        try {
            return Files.readAllLines(output).stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first line starting with {@code word}, split in words. */
    Optional<String[]> first(String word) {
        return lines().stream().filter(line -> line.startsWith(word + " ")).findFirst().map(line -> line.split(" "));
    }

    long count(String word) {
        return lines().stream().filter(line -> line.startsWith(word + " ")).count();
    }

    /** SIGKILL: no resign, no revoke; only its lease running out ends its candidacy. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        ProcessCluster.await(label + ": " + what + "\n" + String.join("\n", lines()), timeout, condition);
        return true;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
