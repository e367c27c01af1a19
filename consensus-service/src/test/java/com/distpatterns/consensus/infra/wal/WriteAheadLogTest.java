package com.distpatterns.consensus.infra.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.HardState;
import com.distpatterns.consensus.raft.Ready;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {

    @TempDir
    Path dir;

    private static final Snapshot FOUNDING = new Snapshot(
            new SnapshotMetadata(1, 1, ConfState.ofVoters(List.of(1L, 2L, 3L))), new byte[0]);

    private static Entry entry(long term, long index) {
        return Entry.normal(term, index, ("value-" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static Ready persist(List<Entry> entries, HardState hardState) {
        return new Ready(Optional.ofNullable(hardState), entries, Optional.empty(), List.of(), List.of(), List.of(),
                List.of());
    }

    private DurableStorage open() throws IOException {
        return DurableStorage.open(dir, 1 << 20, WriteFault.NONE, Optional.of(FOUNDING));
    }

    private void writeEntries(long from, long to, long term) throws IOException {
        DurableStorage storage = open();
        List<Entry> entries = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            entries.add(entry(term, i));
        }
        storage.persist(persist(entries, new HardState(term, 1, to)));
        storage.close();
    }

    /** Entries 2..to, one batch each, in segments of 4 KiB: several segments; the storage is left open. */
    private DurableStorage writeOneByOne(long to) throws IOException {
        DurableStorage storage = DurableStorage.open(dir, 4096, WriteFault.NONE, Optional.of(FOUNDING));
        for (long i = 2; i <= to; i++) {
            storage.persist(persist(List.of(entry(2, i)), new HardState(2, 1, i)));
        }
        return storage;
    }

    private Path lastSegment() throws IOException {
        return segments().getLast();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    /** Where the records of a pre-allocated segment end: after its last byte that is not zero. */
    private static long dataEnd(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /** What a crash leaves of the last write in pre-allocated space: its last bytes never landed, zeros remain. */
    private static void zeroOut(Path file, long from, long to) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(from);
            raf.write(new byte[(int) (to - from)]);
        }
    }

    @Test
    void everythingSyncedIsThereAfterARestart() throws IOException {
        writeEntries(2, 50, 2);
        DurableStorage storage = open();
        assertThat(storage.firstIndex()).isEqualTo(2);
        assertThat(storage.lastIndex()).isEqualTo(50);
        assertThat(storage.entries(2, 51, Long.MAX_VALUE)).hasSize(49).last().isEqualTo(entry(2, 50));
        assertThat(storage.hardState()).isEqualTo(new HardState(2, 1, 50));
        assertThat(storage.initialState().confState().voters()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aTornTailIsTruncatedAndEverythingBeforeItKept() throws IOException {
        writeEntries(2, 20, 2);
        Path segment = lastSegment();
        long size = dataEnd(segment);
        zeroOut(segment, size - 5, size); // the crash tore the last record (the batch end)
        DurableStorage storage = open();
        assertThat(storage.lastIndex()).isEqualTo(20);
        assertThat(storage.entries(20, 21, Long.MAX_VALUE)).containsExactly(entry(2, 20));
        assertThat(dataEnd(segment)).as("the torn bytes zeroed").isLessThan(size - 5);
        assertThat(Files.size(segment)).as("and the segment pre-allocated again").isEqualTo(1 << 20);
        // The log goes on after the truncation point.
        storage.persist(persist(List.of(entry(2, 21)), new HardState(2, 1, 21)));
        storage.close();
        assertThat(open().lastIndex()).isEqualTo(21);
    }

    @Test
    void aFlippedByteInTheLastRecordDropsThatRecordOnly() throws IOException {
        writeEntries(2, 10, 2);
        writeEntries(11, 11, 2);
        Path segment = lastSegment();
        long size = dataEnd(segment);
        // The last write is entry 11, a hard state of 33 bytes and the batch end of 9: flip a byte in the entry's
        // payload. Its sectors may land in any order, so the records after the damage do not make it older.
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            long at = size - RecordCodec.BATCH_END_RECORD.length - 33 - 3;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x40);
        }
        DurableStorage storage = open();
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.entries(2, 11, Long.MAX_VALUE)).hasSize(9);
        assertThat(storage.hardState().commit()).as("commit clamped to the log that survived").isEqualTo(10);
    }

    @Test
    void damageToAWriteThatLaterWritesFollowRefusesToOpen() throws IOException {
        writeEntries(2, 10, 2);
        Path segment = lastSegment();
        long firstWrite = dataEnd(segment);
        writeEntries(11, 11, 2);
        flipByte(segment, firstWrite - RecordCodec.BATCH_END_RECORD.length - 33 - 3); // inside entry 10
        assertThatThrownBy(this::open).isInstanceOf(WalCorruptedException.class)
                .hasMessageContaining("later batches follow");
        assertThat(dataEnd(segment)).as("nothing truncated").isGreaterThan(firstWrite);
    }

    @Test
    void damageToAnOlderSegmentRefusesToOpen() throws IOException {
        DurableStorage storage = writeOneByOne(200);
        storage.close();
        Path oldest = segments().getFirst();
        flipByte(oldest, Files.size(oldest) - 20);
        assertThatThrownBy(() -> DurableStorage.open(dir, 4096, WriteFault.NONE, Optional.of(FOUNDING)))
                .isInstanceOf(WalCorruptedException.class).hasMessageContaining("later segments follow");
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
    }

    @Test
    void theZerosOfAPreAllocatedSegmentAreItsEndNotDamage() throws IOException {
        writeEntries(2, 20, 2);
        Path segment = lastSegment();
        assertThat(Files.size(segment)).as("written in place, the file never grows").isEqualTo(1 << 20);
        long end = dataEnd(segment);
        writeEntries(21, 30, 2); // reopens: recovery found the end of the log where the zeros begin
        assertThat(dataEnd(segment)).isGreaterThan(end);
        assertThat(Files.size(segment)).isEqualTo(1 << 20);
        DurableStorage storage = open();
        assertThat(storage.lastIndex()).isEqualTo(30);
        assertThat(storage.entries(2, 31, Long.MAX_VALUE)).hasSize(29).last().isEqualTo(entry(2, 30));
        assertThat(storage.hardState()).isEqualTo(new HardState(2, 1, 30));
    }

    @Test
    void aTornWriteInPreAllocatedSpaceIsZeroedSoAShorterLaterWriteEndsTheLog() throws IOException {
        writeEntries(2, 10, 2);
        Path segment = lastSegment();
        long goodEnd = dataEnd(segment);
        writeEntries(11, 60, 2);
        long tornEnd = dataEnd(segment);
        // The torn batch: its first sector never landed, its later ones (records and batch end) did.
        zeroOut(segment, goodEnd, goodEnd + 16);
        DurableStorage storage = open();
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(dataEnd(segment)).isEqualTo(goodEnd);
        storage.persist(persist(List.of(entry(3, 11)), new HardState(3, 1, 11))); // shorter than the torn batch
        storage.close();
        assertThat(dataEnd(segment)).isLessThan(tornEnd);
        DurableStorage reopened = open();
        assertThat(reopened.lastIndex()).isEqualTo(11);
        assertThat(reopened.term(11)).isEqualTo(3);
    }

    @Test
    void zerosInAnOlderSegmentRefuseToOpen() throws IOException {
        DurableStorage storage = writeOneByOne(200);
        storage.close();
        Path oldest = segments().getFirst();
        zeroOut(oldest, 0, Files.size(oldest)); // lost blocks of a file that was full and fsynced

        assertThatThrownBy(() -> DurableStorage.open(dir, 4096, WriteFault.NONE, Optional.of(FOUNDING)))
                .isInstanceOf(WalCorruptedException.class).hasMessageContaining("zeros where records should be");
    }

    @Test
    void laterEntriesReplaceConflictingOnesAtReplay() throws IOException {
        writeEntries(2, 10, 2);
        writeEntries(6, 8, 3); // a new leader overwrote 6..10 with 6..8
        DurableStorage storage = open();
        assertThat(storage.lastIndex()).isEqualTo(8);
        assertThat(storage.term(5)).isEqualTo(2);
        assertThat(storage.term(8)).isEqualTo(3);
    }

    @Test
    void aSnapshotLetsOldSegmentsGoAndRestartsFromIt() throws IOException {
        DurableStorage storage = writeOneByOne(400);
        int segmentsBefore = segments().size();
        storage.snapshotAt(390, ConfState.ofVoters(List.of(1L, 2L, 3L)), "image".getBytes(StandardCharsets.UTF_8), 10);
        storage.close();
        assertThat(segments().size()).isLessThan(segmentsBefore);
        DurableStorage reopened = DurableStorage.open(dir, 4096, WriteFault.NONE, Optional.of(FOUNDING));
        assertThat(reopened.snapshot().index()).isEqualTo(390);
        assertThat(new String(reopened.snapshot().data(), StandardCharsets.UTF_8)).isEqualTo("image");
        assertThat(reopened.firstIndex()).isEqualTo(391);
        assertThat(reopened.lastIndex()).isEqualTo(400);
        assertThat(reopened.hardState()).isEqualTo(new HardState(2, 1, 400));
    }

    @Test
    void aFailedWriteIsNeverReportedDurableAndTheStorageStaysFailed() throws IOException {
        boolean[] full = {false};
        DurableStorage storage = DurableStorage.open(dir, 1 << 20, () -> {
            if (full[0]) {
                throw new IOException("No space left on device");
            }
        }, Optional.of(FOUNDING));
        storage.persist(persist(List.of(entry(2, 2)), new HardState(2, 1, 2)));
        full[0] = true;
        assertThatThrownBy(() -> storage.persist(persist(List.of(entry(2, 3)), null)))
                .isInstanceOf(StorageFailedException.class).hasMessageContaining("No space left");
        full[0] = false;
        assertThat(storage.failed()).isTrue();
        assertThatThrownBy(() -> storage.persist(persist(List.of(entry(2, 3)), null)))
                .isInstanceOf(StorageFailedException.class);
        assertThat(storage.lastIndex()).isEqualTo(2);
    }

    @Test
    void aChangeOfTheCommitIndexAloneIsNotFsyncedAndALostOneOnlyMovesTheCommitBack() throws IOException {
        int[] writes = {0};
        DurableStorage storage = DurableStorage.open(dir, 1 << 20, () -> writes[0]++, Optional.of(FOUNDING));
        storage.persist(persist(List.of(entry(2, 2), entry(2, 3), entry(2, 4)), new HardState(2, 1, 2)));
        int synced = writes[0];
        storage.persist(persist(List.of(), new HardState(2, 1, 4)));
        assertThat(writes[0]).as("a commit-only hard state waits for the next fsync").isEqualTo(synced);
        assertThat(storage.hardState()).isEqualTo(new HardState(2, 1, 4));
        storage.close(); // a crash now: the commit-only record never reached the disk

        DurableStorage reopened = DurableStorage.open(dir, 1 << 20, () -> writes[0]++, Optional.of(FOUNDING));
        assertThat(reopened.lastIndex()).as("every fsynced entry is there").isEqualTo(4);
        assertThat(reopened.hardState()).isEqualTo(new HardState(2, 1, 2));
        int before = writes[0];
        reopened.persist(persist(List.of(), new HardState(2, 1, 3)));
        assertThat(writes[0]).isEqualTo(before);
        reopened.persist(persist(List.of(), new HardState(3, 0, 3)));
        assertThat(writes[0]).as("a new term is fsynced, with the commit record before it").isEqualTo(before + 1);
        reopened.close();
        assertThat(open().hardState()).isEqualTo(new HardState(3, 0, 3));
    }

    @Test
    void aJoiningServerStartsEmpty() throws IOException {
        DurableStorage storage = DurableStorage.open(dir, 1 << 20, WriteFault.NONE, Optional.empty());
        assertThat(storage.isEmpty()).isTrue();
        assertThat(storage.initialState().confState().voters()).isEmpty();
    }
}
