package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots on disk, one file {@code snapshot-<index>.snap} each: {@code [crc32c u32][index][term][voters][learners]
 * [data]}, written to a temporary file, fsynced, renamed into place and the directory fsynced, so a crash leaves
 * either the whole new file or none. The newest two are kept.
 */
public final class SnapshotFiles {

    private static final Logger log = LoggerFactory.getLogger(SnapshotFiles.class);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");
    private static final int KEEP = 2;

    private final Path dir;

    public SnapshotFiles(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Writes the snapshot durably, then deletes all but the newest files. */
    public void save(Snapshot snapshot, WriteFault fault) throws IOException {
        fault.beforeWrite();
        byte[] bytes = encode(snapshot);
        Path target = dir.resolve(String.format("snapshot-%020d.snap", snapshot.index()));
        Path temporary = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
        List<Path> files = list();
        for (int i = 0; i < files.size() - KEEP; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    /** The newest snapshot whose checksum holds; a damaged newer file is reported and skipped. */
    public Optional<Snapshot> loadNewest() throws IOException {
        List<Path> files = list();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path path = files.get(i);
            Optional<Snapshot> snapshot = decode(Files.readAllBytes(path));
            if (snapshot.isPresent()) {
                return snapshot;
            }
            log.error("Snapshot {} is damaged (checksum or length wrong); trying an older one", path.getFileName());
        }
        return Optional.empty();
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        }
    }

    static byte[] encode(Snapshot snapshot) {
        SnapshotMetadata metadata = snapshot.metadata();
        ConfState conf = metadata.confState();
        int size = Integer.BYTES + 16 + 4 + 8 * conf.voters().size() + 4 + 8 * conf.learners().size() + 4
                + snapshot.data().length;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.position(Integer.BYTES);
        out.putLong(metadata.index()).putLong(metadata.term());
        out.putInt(conf.voters().size());
        conf.voters().forEach(out::putLong);
        out.putInt(conf.learners().size());
        conf.learners().forEach(out::putLong);
        out.putInt(snapshot.data().length).put(snapshot.data());
        CRC32C crc = new CRC32C();
        crc.update(out.array(), Integer.BYTES, size - Integer.BYTES);
        out.putInt(0, (int) crc.getValue());
        return out.array();
    }

    static Optional<Snapshot> decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int expected = in.getInt();
            CRC32C crc = new CRC32C();
            crc.update(bytes, Integer.BYTES, bytes.length - Integer.BYTES);
            if ((int) crc.getValue() != expected) {
                return Optional.empty();
            }
            long index = in.getLong();
            long term = in.getLong();
            TreeSet<Long> voters = new TreeSet<>();
            for (int n = in.getInt(); n > 0; n--) {
                voters.add(in.getLong());
            }
            TreeSet<Long> learners = new TreeSet<>();
            for (int n = in.getInt(); n > 0; n--) {
                learners.add(in.getLong());
            }
            byte[] data = new byte[in.getInt()];
            in.get(data);
            return Optional.of(new Snapshot(new SnapshotMetadata(index, term, new ConfState(voters, learners)), data));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
