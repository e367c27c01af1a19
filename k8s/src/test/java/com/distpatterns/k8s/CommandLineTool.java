package com.distpatterns.k8s;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A tool the build runs (kubectl, promtool): found on the PATH or through an environment variable, run with a time
 * limit, its output read. When it is missing, the build fails with how to install it rather than skipping a check.
 */
record CommandLineTool(String name, String variable, String howToInstall) {

    /** What one run printed. */
    record Result(int exitCode, String stdout, String stderr) {

        String output() {
            return (stdout + "\n" + stderr).strip();
        }
    }

    Result run(Path workingDirectory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    private String executable() {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(howToInstall);
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
