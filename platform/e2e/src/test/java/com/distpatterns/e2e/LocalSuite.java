package com.distpatterns.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole suite as a user starts it: {@code scripts/run-local.sh}, here on ports shifted by an offset and with
 * its own run directory, so it runs beside a developer's own copy.
 */
final class LocalSuite implements AutoCloseable {

    private final Path root;
    private final Path runDir;
    private final Map<String, String> environment;

    private LocalSuite(Path root, Path runDir, Map<String, String> environment) {
        this.root = root;
        this.runDir = runDir;
        this.environment = environment;
    }

    static LocalSuite start(int portOffset, String apiKey) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("suite.root", "../..")).toAbsolutePath().normalize();
        Path runDir = Path.of(System.getProperty("suite.runDir", "target/e2e-run")).toAbsolutePath();
        Map<String, String> environment = Map.of(
                "RUN_PORT_OFFSET", Integer.toString(portOffset),
                "RUN_DIR", runDir.toString(),
                "RUN_SKIP_BUILD", "1",
                "START_TIMEOUT", "300",
                "GATEWAY_API_KEYS", apiKey);
        LocalSuite suite = new LocalSuite(root, runDir, environment);
        suite.script("stop");
        int exit = suite.script("start");
        if (exit != 0) {
            String logs = suite.logs();
            suite.close();
            throw new IllegalStateException("scripts/run-local.sh failed (exit " + exit + "):\n" + logs);
        }
        return suite;
    }

    /** {@code scripts/run-local.sh start} again, as a user does after something crashed: its exit status. */
    int startAgain() throws IOException, InterruptedException {
        return script("start");
    }

    /** The pid the script recorded for one of its processes (registry, gateway, cache-service, ...). */
    long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(runDir.resolve(process + ".pid")).strip());
    }

    /** Points a process's pid file at another pid, as when the kernel has given its old number to another program. */
    void recordPid(String process, long pid) throws IOException {
        Files.writeString(runDir.resolve(process + ".pid"), pid + "\n");
    }

    private int script(String command) throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("scripts/run-local.sh").toString(), command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve("run-local.out").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** The script's own output and the tail of every process log, for a failure message. */
    String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                text.append("==> ").append(file.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(line -> text.append(line).append('\n'));
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            script("stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the suite", e);
        }
    }
}
