package com.distpatterns.consensus.infra.store;

import com.distpatterns.consensus.core.WatchMessage;
import java.util.List;

/**
 * Changes read from the history, from one consistent view of the store.
 *
 * @param changes the revisions in {@code [from, readTo]} that changed a key asked for, in order
 * @param readTo the last revision read: the next page starts after it
 * @param compactedRevision the store's compacted revision in that view; when above the page's {@code from}, part
 *     of what was asked is gone and {@code changes} is empty
 */
public record ChangePage(List<WatchMessage.Changes> changes, long readTo, long compactedRevision) {

    public ChangePage {
        changes = List.copyOf(changes);
    }
}
