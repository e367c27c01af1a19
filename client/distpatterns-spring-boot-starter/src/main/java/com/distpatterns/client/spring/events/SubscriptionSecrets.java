package com.distpatterns.client.spring.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The signing secrets of durable subscriptions. event-service returns a secret only in the answer that creates the
 * subscription, while the subscription (and the events waiting in it) outlives every restart of the application:
 * the secret is kept in a file the owner alone reads, unless configuration gives it.
 */
final class SubscriptionSecrets {

    private final Path dir;
    private final Map<String, String> configured;

    SubscriptionSecrets(Path dir, Map<String, String> configured) {
        this.dir = dir;
        this.configured = configured;
    }

    Optional<String> find(String subscription) {
        String given = configured.get(subscription);
        if (given != null && !given.isBlank()) {
            return Optional.of(given.strip());
        }
        Path file = file(subscription);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret of subscription " + subscription + " from " + file,
                    e);
        }
    }

    /** Keeps a new secret, written to a temporary file and moved into place, so a crash leaves the old or the new. */
    void store(String subscription, String secret) {
        Path file = file(subscription);
        try {
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, subscription, ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temporary, secret, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret of subscription " + subscription + " in " + file, e);
        }
    }

    Path file(String subscription) {
        return dir.resolve(subscription + ".secret");
    }
}
