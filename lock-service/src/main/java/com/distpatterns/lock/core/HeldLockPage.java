package com.distpatterns.lock.core;

import java.util.List;

/**
 * One page of held locks in name order.
 *
 * @param next the name to continue after, or {@code null} when this was the last page
 */
public record HeldLockPage(List<HeldLock> locks, String next) {

    public HeldLockPage {
        locks = List.copyOf(locks);
    }
}
