package com.distpatterns.consensus.infra.wal;

import com.distpatterns.consensus.raft.Entry;
import com.distpatterns.consensus.raft.HardState;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of one record: {@code [length u32][crc32c u32][type u8][payload]}. {@code length} counts type and
 * payload; the checksum covers the length, the type and the payload, so a torn or flipped record of any part fails.
 */
final class RecordCodec {

    static final int HEADER_BYTES = Integer.BYTES + Integer.BYTES;
    /** Larger than any entry the service writes (values are at most 1 MiB): a larger length is corruption. */
    static final int MAX_RECORD_BYTES = 64 << 20;

    private static final byte ENTRY = 1;
    private static final byte HARD_STATE = 2;
    private static final byte SNAPSHOT = 3;
    private static final byte BATCH_END = 4;

    /**
     * Ends every batch that one write and one fsync put on disk. It lets recovery tell a torn last write, which may
     * have landed its sectors in any order, from damage to a batch that was synced before later ones were written.
     */
    static final byte[] BATCH_END_RECORD = batchEndRecord();

    private RecordCodec() {}

    static int encodedSize(WalRecord record) {
        return HEADER_BYTES + 1 + switch (record) {
            case WalRecord.EntryRecord e -> 8 + 8 + 1 + e.entry().data().length;
            case WalRecord.HardStateRecord h -> 24;
            case WalRecord.SnapshotRecord s -> 16;
        };
    }

    private static byte[] batchEndRecord() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 1);
        out.putInt(0, 1).put(HEADER_BYTES, BATCH_END);
        CRC32C crc = new CRC32C();
        crc.update(out.slice(0, Integer.BYTES));
        crc.update(out.slice(HEADER_BYTES, 1));
        out.putInt(Integer.BYTES, (int) crc.getValue());
        return out.array();
    }

    /** Writes the record at the buffer's position, which must have room for {@link #encodedSize}. */
    static void encode(WalRecord record, ByteBuffer out) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        switch (record) {
            case WalRecord.EntryRecord e -> {
                Entry entry = e.entry();
                out.put(ENTRY).putLong(entry.term()).putLong(entry.index()).put((byte) entry.type().ordinal())
                        .put(entry.data());
            }
            case WalRecord.HardStateRecord h -> {
                HardState hs = h.hardState();
                out.put(HARD_STATE).putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit());
            }
            case WalRecord.SnapshotRecord s -> out.put(SNAPSHOT).putLong(s.index()).putLong(s.term());
        }
        int end = out.position();
        int length = end - start - HEADER_BYTES;
        out.putInt(start, length);
        CRC32C crc = new CRC32C();
        crc.update(out.slice(start, Integer.BYTES));
        crc.update(out.slice(start + HEADER_BYTES, length));
        out.putInt(start + Integer.BYTES, (int) crc.getValue());
    }

    /** The outcome of reading at one position: a record and where the next starts, or why there is none. */
    sealed interface Read {
        record Ok(WalRecord record, int next) implements Read {}

        record End() implements Read {}

        /**
         * Nothing but zeros from here to the end of the file: the unused, pre-allocated part of the segment being
         * written (the end of the log), or damage in any older segment.
         */
        record ZeroTail() implements Read {}

        /** The end of a batch: everything before it was written and fsynced together. */
        record BatchEnd(int next) implements Read {}

        record Bad(String reason) implements Read {}
    }

    /** Reads the record at {@code position} of {@code data}, checking its length and checksum. */
    static Read decode(ByteBuffer data, int position) {
        int remaining = data.limit() - position;
        if (remaining == 0) {
            return new Read.End();
        }
        if (isZeros(data, position)) {
            return new Read.ZeroTail();
        }
        if (remaining < HEADER_BYTES + 1) {
            return new Read.Bad("a record header cut short (" + remaining + " bytes)");
        }
        int length = data.getInt(position);
        if (length < 1 || length > MAX_RECORD_BYTES || length > remaining - HEADER_BYTES) {
            return new Read.Bad("a record length of " + length + " with " + (remaining - HEADER_BYTES) + " bytes left");
        }
        CRC32C crc = new CRC32C();
        crc.update(data.slice(position, Integer.BYTES));
        crc.update(data.slice(position + HEADER_BYTES, length));
        if ((int) crc.getValue() != data.getInt(position + Integer.BYTES)) {
            return new Read.Bad("a checksum mismatch");
        }
        ByteBuffer body = data.slice(position + HEADER_BYTES, length);
        if (length == 1 && body.get(0) == BATCH_END) {
            return new Read.BatchEnd(position + HEADER_BYTES + 1);
        }
        try {
            WalRecord record = switch (body.get()) {
                case ENTRY -> {
                    long term = body.getLong();
                    long index = body.getLong();
                    Entry.Type type = Entry.Type.values()[body.get()];
                    byte[] payload = new byte[body.remaining()];
                    body.get(payload);
                    yield new WalRecord.EntryRecord(new Entry(term, index, type, payload));
                }
                case HARD_STATE ->
                    new WalRecord.HardStateRecord(new HardState(body.getLong(), body.getLong(), body.getLong()));
                case SNAPSHOT -> new WalRecord.SnapshotRecord(body.getLong(), body.getLong());
                default -> throw new IllegalArgumentException("unknown record type");
            };
            if (body.hasRemaining() && !(record instanceof WalRecord.EntryRecord)) {
                return new Read.Bad("trailing bytes in a record");
            }
            return new Read.Ok(record, position + HEADER_BYTES + length);
        } catch (RuntimeException e) {
            return new Read.Bad("an undecodable record (" + e.getMessage() + ")");
        }
    }

    /**
     * Whether a whole batch follows the damage at {@code from}: a batch end, and after it a readable record. Damage
     * followed by a later batch is not a torn last write, since a batch is written only after the one before it was
     * fsynced.
     */
    static boolean laterBatchAfter(ByteBuffer data, int from) {
        byte[] marker = BATCH_END_RECORD;
        for (int at = from + 1; at + marker.length <= data.limit(); at++) {
            if (data.get(at) == marker[0] && matches(data, at, marker)) {
                Read next = decode(data, at + marker.length);
                if (next instanceof Read.Ok || next instanceof Read.BatchEnd) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(ByteBuffer data, int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (data.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(ByteBuffer data, int from) {
        int i = from;
        for (; i + Long.BYTES <= data.limit(); i += Long.BYTES) {
            if (data.getLong(i) != 0) {
                return false; // at a record, on its first bytes (a non-zero length)
            }
        }
        for (; i < data.limit(); i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
