package com.distpatterns.k8s;

import java.nio.file.Path;

/** Renders an overlay the way {@code kubectl apply -k} would, with the real kustomize inside kubectl. */
final class Kustomize {

    static final CommandLineTool KUBECTL = new CommandLineTool("kubectl", "KUBECTL",
            """
                    kubectl is needed to render the Kubernetes manifests (`kubectl kustomize`) and was not found on the PATH.
                    Install it, then run the build again:
                      - Debian/Ubuntu with the Kubernetes apt repository (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/):
                          sudo apt-get install -y kubectl
                      - or put any kubectl 1.27 or newer on the PATH (KUBECTL=/path/to/kubectl also works).
                    CI (.ci/run) installs it when it is absent.""");

    private Kustomize() {}

    /** The YAML stream `kubectl kustomize` prints for the overlay. Warnings on stderr fail too: they go stale. */
    static String render(Path overlay) {
        CommandLineTool.Result result = KUBECTL.run(Path.of("").toAbsolutePath(), "kustomize", overlay.toString());
        String errors = result.stderr().strip();
        if (result.exitCode() != 0 || !errors.isEmpty()) {
            throw new AssertionError(
                    "kubectl kustomize " + overlay + " failed (exit " + result.exitCode() + "):\n" + errors);
        }
        return result.stdout();
    }
}
