package com.distpatterns.task.core;

/** The article's XML-RPC {@code factorial}, answered by a worker over the broker. */
public interface RemoteFactorial {

    /**
     * @return n! as a decimal string
     * @throws RpcTimeoutException when no worker answered in time
     * @throws InvalidTaskException when the worker refused the argument
     */
    String factorial(int n);
}
