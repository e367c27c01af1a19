package com.distpatterns.consensus.infra;

import com.distpatterns.consensus.infra.wal.WriteFault;
import java.io.IOException;

/** A disk that can be made to refuse writes, as a full one does: for fault tests only. */
public final class InjectedDiskFault implements WriteFault {

    private volatile boolean full;
    private volatile boolean outOfMemory;

    public void setFull(boolean full) {
        this.full = full;
    }

    public boolean isFull() {
        return full;
    }

    /** The next write runs out of heap, as the driver thread did in issue 19: the process must halt. */
    public void setOutOfMemory(boolean outOfMemory) {
        this.outOfMemory = outOfMemory;
    }

    public boolean isOutOfMemory() {
        return outOfMemory;
    }

    @Override
    public void beforeWrite() throws IOException {
        if (outOfMemory) {
            throw new OutOfMemoryError("Java heap space (injected by the fault-injection profile)");
        }
        if (full) {
            throw new IOException("No space left on device (injected by the fault-injection profile)");
        }
    }
}
