package com.distpatterns.consensus.infra;

import com.distpatterns.consensus.infra.wal.WriteFault;
import java.io.IOException;

/** A disk that can be made to refuse writes, as a full one does: for fault tests only. */
public final class InjectedDiskFault implements WriteFault {

    private volatile boolean full;

    public void setFull(boolean full) {
        this.full = full;
    }

    public boolean isFull() {
        return full;
    }

    @Override
    public void beforeWrite() throws IOException {
        if (full) {
            throw new IOException("No space left on device (injected by the fault-injection profile)");
        }
    }
}
