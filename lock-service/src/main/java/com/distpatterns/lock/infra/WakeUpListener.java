package com.distpatterns.lock.infra;

import com.distpatterns.lock.core.WaiterId;
import com.distpatterns.lock.core.WaitingRoom;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;

/** Hands a release notification (the id of the waiter now at the head of a queue) to that local waiter. */
public final class WakeUpListener implements MessageListener {

  private final WaitingRoom waitingRoom;

  public WakeUpListener(WaitingRoom waitingRoom) {
    this.waitingRoom = waitingRoom;
  }

  @Override
  public void onMessage(Message message, byte[] pattern) {
    // A waiter that already left (timed out, or got the lock by polling) simply is not found.
    waitingRoom.wake(new WaiterId(new String(message.getBody(), StandardCharsets.UTF_8)));
  }
}
