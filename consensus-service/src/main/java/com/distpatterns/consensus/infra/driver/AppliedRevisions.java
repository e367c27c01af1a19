package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.store.MvccStore;

/**
 * Told, on the driver thread, where the store stands: once when the driver opens it, then after every Ready
 * applied (a restore may have replaced the store). It must return at once: the driver waits for it.
 */
@FunctionalInterface
public interface AppliedRevisions {

    AppliedRevisions NONE = (store, revision) -> {};

    void applied(MvccStore store, long revision);
}
