package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.HardState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log on disk: segment files {@code wal-<sequence>-<firstIndex>.log} of checksummed records
 * (see {@link RecordCodec}). Records are buffered by {@link #append} and reach the disk together in {@link #sync}:
 * one write and one fsync for everything a Ready asks to persist (group commit).
 *
 * <p>Opening recovers: it reads every segment and stops at the first record whose length or checksum is wrong. If
 * that record belongs to the last write (a write torn by a crash, or a flipped byte in it), which was never
 * acknowledged, the file is truncated there and everything before it kept. Damage anywhere else, in an older
 * segment or in a batch followed by later batches, is in records that were fsynced and acted on: the log refuses
 * to open ({@link WalCorruptedException}) rather than forget votes and entries the cluster counted on. Every batch
 * ends with a marker record ({@link RecordCodec#BATCH_END_RECORD}) so recovery can tell the two apart. Not
 * thread-safe: the driver thread alone uses it.
 */
public final class WriteAheadLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{16})-(\\d{20})\\.log");

    private final Path dir;
    private final long segmentBytes;
    private final WriteFault fault;
    private final List<Segment> segments = new ArrayList<>();
    private List<WalRecord> recovered;
    private FileChannel tail;
    private ByteBuffer pending = ByteBuffer.allocate(64 << 10);
    private HardState lastHardState = HardState.EMPTY;
    private long lastEntryIndex;
    private StorageFailedException failure;

    /** One segment file and the largest entry index written to it, which decides when it may be deleted. */
    private static final class Segment {
        final Path path;
        final long sequence;
        long maxEntryIndex;

        Segment(Path path, long sequence) {
            this.path = path;
            this.sequence = sequence;
        }
    }

    private WriteAheadLog(Path dir, long segmentBytes, WriteFault fault) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fault = fault;
    }

    /**
     * Opens the log in {@code dir}, creating it if needed, and recovers what it holds.
     *
     * @param segmentBytes a segment is closed and a new one started once it is this large
     */
    public static WriteAheadLog open(Path dir, long segmentBytes, WriteFault fault) throws IOException {
        Files.createDirectories(dir);
        WriteAheadLog wal = new WriteAheadLog(dir, segmentBytes, fault);
        wal.recover();
        return wal;
    }

    /** The records found when the log was opened, in order; handed out once. */
    public List<WalRecord> takeRecovered() {
        List<WalRecord> records = recovered;
        recovered = List.of();
        return records;
    }

    private void recover() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> SEGMENT_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        List<WalRecord> records = new ArrayList<>();
        long tailSize = 0;
        for (int i = 0; i < files.size(); i++) {
            Path path = files.get(i);
            Matcher name = SEGMENT_NAME.matcher(path.getFileName().toString());
            name.matches();
            Segment segment = new Segment(path, Long.parseLong(name.group(1)));
            segments.add(segment);
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(path));
            int position = 0;
            while (true) {
                RecordCodec.Read read = RecordCodec.decode(data, position);
                if (read instanceof RecordCodec.Read.Ok ok) {
                    remember(segment, ok.record());
                    records.add(ok.record());
                    position = ok.next();
                } else if (read instanceof RecordCodec.Read.BatchEnd end) {
                    position = end.next();
                } else {
                    if (read instanceof RecordCodec.Read.Bad bad) {
                        boolean lastSegment = i == files.size() - 1;
                        if (!lastSegment || RecordCodec.laterBatchAfter(data, position)) {
                            throw new WalCorruptedException(path, position, bad.reason(), !lastSegment);
                        }
                        truncateTail(segment, position, bad.reason());
                    }
                    break;
                }
            }
            tailSize = position;
        }
        recovered = records;
        if (segments.isEmpty()) {
            startSegment(0, 1);
        } else {
            tail = FileChannel.open(segments.getLast().path, StandardOpenOption.WRITE);
            tail.position(tailSize);
        }
        log.info("WAL opened in {}: {} segment(s), {} record(s), last entry index {}", dir, segments.size(),
                records.size(), lastEntryIndex);
    }

    private void remember(Segment segment, WalRecord record) {
        switch (record) {
            case WalRecord.EntryRecord e -> {
                lastEntryIndex = e.entry().index();
                segment.maxEntryIndex = Math.max(segment.maxEntryIndex, lastEntryIndex);
            }
            case WalRecord.HardStateRecord h -> lastHardState = h.hardState();
            case WalRecord.SnapshotRecord s -> lastEntryIndex = s.index();
        }
    }

    private void truncateTail(Segment segment, int position, String reason) throws IOException {
        log.warn("WAL tail truncated at {} offset {}: {} in the last write, which was never acknowledged; "
                + "everything before it is kept", segment.path.getFileName(), position, reason);
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.WRITE)) {
            channel.truncate(position);
            channel.force(true);
        }
    }

    /** Buffers a record; nothing is on disk before {@link #sync()}. */
    public void append(WalRecord record) {
        checkHealthy();
        reserve(RecordCodec.encodedSize(record));
        RecordCodec.encode(record, pending);
        remember(segments.getLast(), record);
    }

    private void reserve(int size) {
        if (pending.remaining() < size) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + size));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
    }

    private void endBatch() {
        reserve(RecordCodec.BATCH_END_RECORD.length);
        pending.put(RecordCodec.BATCH_END_RECORD);
    }

    /** Whether records were appended since the last {@link #sync()}. */
    public boolean hasPending() {
        return pending.position() > 0;
    }

    /**
     * Writes every buffered record and fsyncs: once this returns they survive a crash.
     *
     * @throws StorageFailedException if the disk refused; the log then refuses everything until restarted
     */
    public void sync() {
        checkHealthy();
        if (pending.position() == 0) {
            return;
        }
        try {
            fault.beforeWrite();
            endBatch();
            pending.flip();
            while (pending.hasRemaining()) {
                tail.write(pending);
            }
            tail.force(false);
            pending.clear();
            if (pending.capacity() > (1 << 20)) {
                pending = ByteBuffer.allocate(64 << 10); // let a burst's buffer go
            }
            if (tail.position() >= segmentBytes) {
                roll();
            }
        } catch (IOException | RuntimeException e) {
            failure = new StorageFailedException("the write-ahead log could not write or fsync: " + e.getMessage(), e);
            log.error("WAL failed, the node acknowledges no more writes until restarted: {}", e.toString());
            throw failure;
        }
    }

    /** Whether a write or fsync failed. */
    public boolean failed() {
        return failure != null;
    }

    private void checkHealthy() {
        if (failure != null) {
            throw failure;
        }
    }

    private void roll() throws IOException {
        tail.close();
        startSegment(segments.getLast().sequence + 1, lastEntryIndex + 1);
        // A new segment starts with the hard state, so older segments can go without losing it.
        append(new WalRecord.HardStateRecord(lastHardState));
        endBatch();
        pending.flip();
        while (pending.hasRemaining()) {
            tail.write(pending);
        }
        tail.force(false);
        pending.clear();
    }

    private void startSegment(long sequence, long firstIndex) throws IOException {
        Path path = dir.resolve(String.format("wal-%016d-%020d.log", sequence, firstIndex));
        tail = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.add(new Segment(path, sequence));
        syncDirectory();
        log.info("WAL segment {} started", path.getFileName());
    }

    /**
     * Deletes the segments that hold only entries up to {@code index}, which a durable snapshot covers. The segment
     * being written is kept.
     */
    public void releaseTo(long index) {
        int deleted = 0;
        while (segments.size() > 1 && segments.getFirst().maxEntryIndex <= index) {
            Segment oldest = segments.removeFirst();
            try {
                Files.deleteIfExists(oldest.path);
                deleted++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (deleted > 0) {
            log.info("WAL released {} segment(s) covered by the snapshot at {}", deleted, index);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** The segment files, oldest first (for tests and operators). */
    public List<Path> segmentFiles() {
        return segments.stream().map(s -> s.path).toList();
    }

    @Override
    public void close() throws IOException {
        tail.close();
    }
}
