package com.distpatterns.consensus.infra.watch;

import com.distpatterns.consensus.core.WatchEvent;
import com.distpatterns.consensus.core.WatchMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * One revision's changes as the dispatcher hands them to every synced watcher: each gets its share, and watchers
 * whose share is the whole revision share one message (with or without previous values), so a hundred watchers of
 * one prefix cost one message, not a hundred. Used under the hub's lock only.
 */
final class Delivery {

    private final WatchMessage.Changes all;
    private WatchMessage.Changes withoutPrev;

    Delivery(WatchMessage.Changes all) {
        this.all = all;
    }

    long revision() {
        return all.revision();
    }

    /** The changes {@code watch} follows, null when none. */
    WatchMessage.Changes share(HubWatch watch) {
        List<WatchEvent> mine = null;
        List<WatchEvent> events = all.events();
        for (int i = 0; i < events.size(); i++) {
            boolean matches = watch.matches(events.get(i).kv().key());
            if (!matches && mine == null) {
                mine = new ArrayList<>(events.subList(0, i));
            } else if (matches && mine != null) {
                mine.add(events.get(i));
            }
        }
        if (mine == null) {
            return watch.prevKv() ? all : whole();
        }
        if (mine.isEmpty()) {
            return null;
        }
        return new WatchMessage.Changes(all.revision(), watch.prevKv() ? mine : strip(mine));
    }

    private WatchMessage.Changes whole() {
        if (withoutPrev == null) {
            withoutPrev = new WatchMessage.Changes(all.revision(), strip(all.events()));
        }
        return withoutPrev;
    }

    private static List<WatchEvent> strip(List<WatchEvent> events) {
        List<WatchEvent> stripped = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            stripped.add(event.prevKv() == null ? event : new WatchEvent(event.type(), event.kv(), null));
        }
        return stripped;
    }
}
