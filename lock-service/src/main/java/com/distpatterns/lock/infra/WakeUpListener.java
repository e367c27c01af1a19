package com.distpatterns.lock.infra;

import com.distpatterns.lock.core.WaitingRoom;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;

/** Delivers a hand-off announced by a release to the local waiter it names. */
public final class WakeUpListener implements MessageListener {

    private final WaitingRoom waitingRoom;

    public WakeUpListener(WaitingRoom waitingRoom) {
        this.waitingRoom = waitingRoom;
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        // A waiter that already left is not found: it gave up, and its withdrawal found the lease and kept it.
        waitingRoom.deliver(RedisLockStore.parseHandOff(new String(message.getBody(), StandardCharsets.UTF_8)));
    }
}
