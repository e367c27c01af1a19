package com.distpatterns.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A second JVM running a main class of these tests, its stdout lines collected, its stdin writable. */
final class Jvm implements AutoCloseable {

    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Writer stdin;

    private Jvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static Jvm start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new Jvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** A runnable jar (an application, its log on stdout), with a small heap as the other test JVMs. */
    static Jvm jar(java.nio.file.Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return new Jvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** The next line containing {@code text}, skipping (but keeping) others; fails after {@code timeout}. */
    String awaitContaining(String text, Duration timeout) throws InterruptedException {
        return awaitLine(line -> line.contains(text), "containing '" + text + "'", timeout);
    }

    /** The next line starting with {@code prefix}, skipping (but keeping) others; fails after {@code timeout}. */
    String await(String prefix, Duration timeout) throws InterruptedException {
        return awaitLine(line -> line.startsWith(prefix), "'" + prefix + "...'", timeout);
    }

    private String awaitLine(java.util.function.Predicate<String> wanted, String what, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String kept : seen) {
            if (wanted.test(kept)) {
                seen.remove(kept);
                return kept;
            }
        }
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line " + what + " within " + timeout + "; last lines seen "
                        + seen.subList(Math.max(0, seen.size() - 30), seen.size()));
            }
            if (wanted.test(line)) {
                return line;
            }
            seen.add(line);
        }
    }

    /** Every line up to and including the one starting with {@code last}. */
    List<String> linesUntil(String last, Duration timeout) throws InterruptedException {
        await(last, timeout);
        List<String> all = new ArrayList<>(seen);
        seen.clear();
        all.add(last);
        return all;
    }

    void tell(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** {@code kill -STOP} / {@code kill -CONT}. */
    void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " exited " + exit);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
