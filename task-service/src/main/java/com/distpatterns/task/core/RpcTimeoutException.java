package com.distpatterns.task.core;

/** No worker answered a remote procedure call in time. */
public class RpcTimeoutException extends RuntimeException {

    public RpcTimeoutException(String message) {
        super(message, null, false, false);
    }
}
