package com.distpatterns.e2e;

import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.DistributedLock;
import com.distpatterns.client.LeaseLostException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Another JVM using a {@link DistributedLock}, started by {@link ClientLockIT}; it reports on stdout.
 *
 * <ul>
 *   <li>{@code contend <url> <key> <lock> <leaseMs> <rounds> <holdMs> <markerDir>}: takes the lock {@code rounds}
 *       times and holds it {@code holdMs} each time; inside, it creates a marker file that must not exist (a
 *       second holder at the same time finds it and says {@code OVERLAP}).
 *   <li>{@code hold <url> <key> <lock> <leaseMs>}: takes the lock, says {@code HELD <token>}, and on the line
 *       {@code unlock} on stdin reports whether it still holds it and what {@code unlock()} did.
 * </ul>
 */
public final class LockContender {

    private LockContender() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        try (DistpatternsClient client = DistpatternsClient.create(ClientSettings.of(args[1], args[2]))) {
            DistributedLock lock = client.lock(args[3], Duration.ofMillis(Long.parseLong(args[4])));
            lock.onLeaseLost(loss -> say("LISTENER " + loss.fencingToken()));
            if (mode.equals("contend")) {
                contend(lock, Integer.parseInt(args[5]), Long.parseLong(args[6]), Path.of(args[7]));
            } else {
                hold(lock);
            }
        }
    }

    private static void contend(DistributedLock lock, int rounds, long holdMs, Path markers) throws Exception {
        Path marker = markers.resolve("held");
        for (int round = 0; round < rounds; round++) {
            lock.lock();
            try {
                try {
                    Files.createFile(marker);
                } catch (FileAlreadyExistsException overlap) {
                    say("OVERLAP " + lock.fencingToken());
                }
                say("GRANT " + lock.fencingToken() + " " + System.currentTimeMillis());
                Thread.sleep(holdMs);
                say("END " + lock.fencingToken() + " " + System.currentTimeMillis() + " "
                        + lock.isHeldByCurrentThread());
                Files.deleteIfExists(marker);
            } finally {
                lock.unlock();
            }
        }
        say("DONE");
    }

    private static void hold(DistributedLock lock) throws Exception {
        lock.lock();
        say("HELD " + lock.fencingToken());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.equals("unlock")) {
                say("HELD_BEFORE_UNLOCK " + lock.isHeldByCurrentThread());
                try {
                    lock.unlock();
                    say("UNLOCKED");
                } catch (LeaseLostException lost) {
                    say("LEASE_LOST " + lost.fencingToken());
                }
                return;
            }
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
