package com.distpatterns.task.infra;

import com.distpatterns.platform.messaging.PublishFailedException;
import com.distpatterns.task.core.QueueUnavailableException;
import org.springframework.amqp.AmqpException;

/** A confirmed send, with what went wrong said in the task service's own terms: the queue is unavailable. */
final class ConfirmedSends {

    private ConfirmedSends() {}

    static void run(Runnable send) {
        try {
            send.run();
        } catch (PublishFailedException e) {
            throw new QueueUnavailableException(e.getMessage(), e);
        } catch (AmqpException e) {
            throw new QueueUnavailableException("The message broker is unreachable: " + e.getMessage(), e);
        }
    }
}
