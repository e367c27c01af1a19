package com.distpatterns.consensus.infra.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's checkpoints under {@code <data>/checkpoints/<index>}: RocksDB checkpoints (hard links to the live
 * store's immutable files) taken at the applied index of a Raft snapshot. They are what a snapshot's data is:
 * a peer downloads one as a stream of files in bounded chunks ({@link #send}, {@link #receive}); a node restores
 * its live store ({@code <data>/state}) from one. The newest {@value #KEEP} are kept.
 *
 * <p>The stream: {@code [index u64]} (0: none at or after the index asked), {@code [files u32]}, per file
 * {@code [name UTF][size u64][bytes]}, then {@code [crc32c u32]} of every file's bytes.
 */
public final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("(\\d{20})");
    private static final int KEEP = 2;
    private static final int CHUNK = 256 << 10;

    private final Path dir;

    public Checkpoints(Path dataDir) throws IOException {
        this.dir = Files.createDirectories(dataDir.resolve("checkpoints"));
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path leftover : listing.filter(p -> !NAME.matcher(p.getFileName().toString()).matches()).toList()) {
                deleteTree(leftover); // a download or checkpoint a crash cut short
            }
        }
    }

    public Path dirOf(long index) {
        return dir.resolve(String.format("%020d", index));
    }

    /** The indices of the checkpoints on disk, oldest first. */
    public List<Long> indices() throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            List<Long> indices = new ArrayList<>();
            listing.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    indices.add(Long.parseLong(m.group(1)));
                }
            });
            indices.sort(Comparator.naturalOrder());
            return indices;
        }
    }

    /** The newest checkpoint at {@code minIndex} or later. */
    public Optional<Long> newestFrom(long minIndex) throws IOException {
        List<Long> all = indices();
        return all.isEmpty() || all.getLast() < minIndex ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Takes a checkpoint of {@code store} as the one at {@code index}, then drops all but the newest. */
    public void take(MvccStore store, long index) throws IOException {
        Path target = dirOf(index);
        if (Files.exists(target)) {
            return;
        }
        Path temporary = dir.resolve(target.getFileName() + ".tmp");
        deleteTree(temporary);
        store.checkpoint(temporary); // RocksDB syncs the files it writes
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        prune();
    }

    private void prune() throws IOException {
        List<Long> all = indices();
        for (int i = 0; i < all.size() - KEEP; i++) {
            deleteTree(dirOf(all.get(i)));
        }
    }

    /**
     * Replaces the live store directory {@code state} with a copy of checkpoint {@code index}: hard links to its
     * immutable table files, copies of the rest, moved into place in one rename.
     */
    public void restore(long index, Path state) throws IOException {
        Path source = dirOf(index);
        Path temporary = state.resolveSibling(state.getFileName() + ".restoring");
        deleteTree(temporary);
        Files.createDirectories(temporary);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Path copy = temporary.resolve(file.getFileName());
                if (file.getFileName().toString().endsWith(".sst")) {
                    Files.createLink(copy, file);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        deleteTree(state);
        Files.move(temporary, state, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(state.getParent());
        log.info("Store restored from checkpoint {}", index);
    }

    // ------------------------------------------------------------------ streaming

    /** Sends the newest checkpoint at {@code minIndex} or later, chunk by chunk; index 0 if there is none. */
    public void send(long minIndex, OutputStream raw) throws IOException {
        DataOutputStream out = new DataOutputStream(raw);
        Optional<Long> index = newestFrom(minIndex);
        if (index.isEmpty()) {
            out.writeLong(0);
            out.flush();
            return;
        }
        // Open every file first: a checkpoint pruned meanwhile stays readable through open files.
        List<Path> paths;
        try (Stream<Path> listing = Files.list(dirOf(index.get()))) {
            paths = listing.sorted().toList();
        }
        List<FileChannel> channels = new ArrayList<>();
        try {
            for (Path path : paths) {
                channels.add(FileChannel.open(path, StandardOpenOption.READ));
            }
            out.writeLong(index.get());
            out.writeInt(paths.size());
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long total = 0;
            for (int i = 0; i < paths.size(); i++) {
                FileChannel channel = channels.get(i);
                long size = channel.size();
                out.writeUTF(paths.get(i).getFileName().toString());
                out.writeLong(size);
                long sent = 0;
                while (sent < size) {
                    buffer.clear().limit((int) Math.min(CHUNK, size - sent));
                    int n = channel.read(buffer, sent);
                    if (n < 0) {
                        throw new IOException("checkpoint file " + paths.get(i) + " shrank while being sent");
                    }
                    crc.update(buffer.array(), 0, n);
                    out.write(buffer.array(), 0, n);
                    sent += n;
                }
                total += size;
            }
            out.writeInt((int) crc.getValue());
            out.flush();
            log.info("Sent checkpoint {} ({} files, {} bytes)", index.get(), paths.size(), total);
        } finally {
            for (FileChannel channel : channels) {
                channel.close();
            }
        }
    }

    /**
     * Receives a checkpoint sent by {@link #send} and keeps it as this node's checkpoint at its index (written to a
     * temporary directory, synced, renamed).
     *
     * @return its index, or empty when the peer had none at or after the index asked
     */
    public Optional<Long> receive(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        long index = in.readLong();
        if (index == 0) {
            return Optional.empty();
        }
        if (index < 0) {
            throw new IOException("a checkpoint index of " + index);
        }
        Path target = dirOf(index);
        Path temporary = dir.resolve(target.getFileName() + ".download");
        deleteTree(temporary);
        Files.createDirectories(temporary);
        int files = in.readInt();
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        for (int i = 0; i < files; i++) {
            String name = in.readUTF();
            if (name.contains("/") || name.startsWith(".")) {
                throw new IOException("a checkpoint file named '" + name + "'");
            }
            long size = in.readLong();
            try (FileChannel channel = FileChannel.open(temporary.resolve(name), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                long received = 0;
                while (received < size) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - received));
                    if (n < 0) {
                        throw new IOException("the checkpoint stream ended inside " + name);
                    }
                    crc.update(buffer, 0, n);
                    channel.write(ByteBuffer.wrap(buffer, 0, n));
                    received += n;
                }
                channel.force(true);
            }
            total += size;
        }
        if (in.readInt() != (int) crc.getValue()) {
            deleteTree(temporary);
            throw new IOException("checkpoint " + index + " arrived damaged (checksum)");
        }
        syncDirectory(temporary);
        if (Files.exists(target)) {
            deleteTree(temporary);
        } else {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                deleteTree(temporary);
            }
        }
        syncDirectory(dir);
        prune();
        log.info("Received checkpoint {} ({} files, {} bytes)", index, files, total);
        return Optional.of(index);
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
