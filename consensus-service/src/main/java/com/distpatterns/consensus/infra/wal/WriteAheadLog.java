package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.HardState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * acknowledged, the file is zeroed from there and everything before it kept. Damage anywhere else, in an older
 * segment or in a batch followed by later batches, is in records that were fsynced and acted on: the log refuses
 * to open ({@link WalCorruptedException}) rather than forget votes and entries the cluster counted on. Every batch
 * ends with a marker record ({@link RecordCodec#BATCH_END_RECORD}) so recovery can tell the two apart. Not
 * thread-safe: the driver thread alone uses it.
 *
 * <p>Segments are pre-allocated: a new segment is a file of {@code segmentBytes} zeros, written and fsynced by a
 * background thread once the current segment is half full, and records overwrite those zeros in place. An {@code fdatasync} of a
 * file that grows must also commit the file system's journal (the size changed), and on ext4 that commit first
 * writes out every other file's dirty data, RocksDB's flushes and compactions included: measured on this
 * machine's disk while 8 MiB files were written beside it, 4 KiB appends took 0.5 to 0.8 ms per fdatasync on
 * average (p99 4 to 7 ms), the same writes into a zero-filled file 0.15 to 0.55 ms (p99 0.3 to 4.6 ms). etcd does the
 * same for the same reason. The end of the log in the last segment is where its zeros begin
 * ({@link RecordCodec.Read.ZeroTail}).
 */
public final class WriteAheadLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("wal-(\\d{16})-(\\d{20})\\.log");
    /** The next segment while it is being zero-filled; renamed into place when the log rolls. */
    static final String PREPARED_NAME = "wal-next.prealloc";
    private static final int ZERO_CHUNK = 1 << 20;
    /** Zero-filling fsyncs every so many bytes, so it never leaves a burst of dirty pages for a WAL fsync to wait on. */
    private static final long ZERO_SYNC_EVERY = 4 << 20;

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
    private final ExecutorService preallocator = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wal-preallocate");
        thread.setDaemon(true);
        return thread;
    });
    private Future<Path> nextSegment;
    private final SyncTimes syncTimes = new SyncTimes();

    /**
     * How long the fsyncs took, logged at DEBUG every ten seconds: what the driver waits for on every write, the
     * figure to look at first when writes are slow (docs/benchmarks.md).
     */
    private static final class SyncTimes {
        private static final long REPORT_EVERY = 10_000_000_000L;
        private long since = System.nanoTime();
        private long count;
        private long totalNanos;
        private long maxNanos;
        private long over1ms;
        private long over10ms;

        void record(long nanos) {
            count++;
            totalNanos += nanos;
            maxNanos = Math.max(maxNanos, nanos);
            over1ms += nanos > 1_000_000 ? 1 : 0;
            over10ms += nanos > 10_000_000 ? 1 : 0;
            long now = System.nanoTime();
            if (now - since >= REPORT_EVERY) {
                log.debug("WAL fsyncs in {} ms: {}, mean {} us, max {} us, {} over 1 ms, {} over 10 ms",
                        (now - since) / 1_000_000, count, totalNanos / count / 1000, maxNanos / 1000, over1ms,
                        over10ms);
                since = now;
                count = totalNanos = maxNanos = over1ms = over10ms = 0;
            }
        }
    }

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
        Files.deleteIfExists(dir.resolve(PREPARED_NAME)); // a crash while one was zero-filled
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
                } else if (read instanceof RecordCodec.Read.ZeroTail && i < files.size() - 1) {
                    // A segment is rolled only once it is full, so an older one has no unused zeros.
                    throw new WalCorruptedException(path, position, "zeros where records should be", true);
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
            if (tail.size() < segmentBytes) { // written by a version that appended, or truncated just now
                zeroFill(tail, tail.size(), segmentBytes);
                tail.force(true);
            }
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
            // Zeros, not a shorter file: the torn bytes must not be read as records again after a shorter write.
            channel.truncate(position);
            zeroFill(channel, position, segmentBytes);
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
            long start = System.nanoTime();
            tail.force(false);
            syncTimes.record(System.nanoTime() - start);
            pending.clear();
            if (pending.capacity() > (1 << 20)) {
                pending = ByteBuffer.allocate(64 << 10); // let a burst's buffer go
            }
            if (tail.position() >= segmentBytes) {
                roll();
            } else if (nextSegment == null && tail.position() >= segmentBytes / 2) {
                prepareNextSegment(); // half-way: the next one is ready long before it is needed
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
        Path prepared = takePreparedSegment();
        Files.move(prepared, path, StandardCopyOption.ATOMIC_MOVE);
        tail = FileChannel.open(path, StandardOpenOption.WRITE);
        segments.add(new Segment(path, sequence));
        syncDirectory();
        log.info("WAL segment {} started", path.getFileName());
    }

    /** The zero-filled file the background thread prepared, waiting for it if needed (or made here, the first time). */
    private Path takePreparedSegment() throws IOException {
        Future<Path> prepared = nextSegment;
        nextSegment = null;
        if (prepared == null) {
            return preallocate(dir.resolve(PREPARED_NAME), segmentBytes);
        }
        try {
            return prepared.get();
        } catch (ExecutionException e) {
            throw new IOException("could not pre-allocate the next WAL segment: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the next WAL segment", e);
        }
    }

    private void prepareNextSegment() {
        Path path = dir.resolve(PREPARED_NAME);
        nextSegment = preallocator.submit(() -> preallocate(path, segmentBytes));
    }

    private static Path preallocate(Path path, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            zeroFill(channel, 0, bytes);
            channel.force(true);
        }
        return path;
    }

    /** Writes zeros over {@code [from, to)}; real blocks, not a hole, so later writes there change no metadata. */
    private static void zeroFill(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
        long at = from;
        long sinceSync = 0;
        while (at < to) {
            zeros.clear().limit((int) Math.min(ZERO_CHUNK, to - at));
            while (zeros.hasRemaining()) {
                at += channel.write(zeros, at);
            }
            sinceSync += zeros.limit();
            if (sinceSync >= ZERO_SYNC_EVERY) {
                channel.force(false);
                sinceSync = 0;
            }
        }
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
        preallocator.shutdownNow();
        try {
            // So that a log opened next in the same directory never shares the prepared file with this one's thread.
            preallocator.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tail.close();
    }
}
