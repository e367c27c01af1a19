package com.distpatterns.k8s;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Renders an overlay the way {@code kubectl apply -k} would, with the real kustomize inside kubectl. */
final class Kustomize {

  static final String HOW_TO_INSTALL = """
      kubectl is needed to render the Kubernetes manifests (`kubectl kustomize`) and was not found on the PATH.
      Install it, then run the build again:
        - Debian/Ubuntu with the Kubernetes apt repository (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/):
            sudo apt-get install -y kubectl
        - or put any kubectl 1.27 or newer on the PATH (KUBECTL=/path/to/kubectl also works).
      CI (.ci/run) installs it when it is absent.""";

  private Kustomize() {
  }

  /** The YAML stream `kubectl kustomize` prints for the overlay. Warnings on stderr fail too: they go stale. */
  static String render(Path overlay) {
    Process process;
    try {
      process = new ProcessBuilder(kubectl(), "kustomize", overlay.toString()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start kubectl", e);
    }
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + overlay + " did not finish in 60 s");
      }
      String errors = stderr.join().strip();
      if (process.exitValue() != 0 || !errors.isEmpty()) {
        throw new AssertionError("kubectl kustomize " + overlay + " failed (exit " + process.exitValue() + "):\n" + errors);
      }
      return stdout.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + overlay, e);
    }
  }

  private static String kubectl() {
    String configured = System.getenv("KUBECTL");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(HOW_TO_INSTALL);
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
