package com.distpatterns.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The overlays under k8s/overlays, each rendered once per test run and shared by every test class. */
final class Overlays {

    static final Path K8S = Path.of("").toAbsolutePath();
    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    private Overlays() {}

    /** Every folder of k8s/overlays with a kustomization.yaml, by name. */
    static Stream<String> names() {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(dir -> Files.exists(dir.resolve("kustomization.yaml")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Rendered rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, name -> Rendered.overlay(K8S, name));
    }
}
