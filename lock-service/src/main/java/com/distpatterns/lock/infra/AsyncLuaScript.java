package com.distpatterns.lock.infra;

import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.platform.redis.ScriptReply;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A Lua script, loaded as every script of the suite is ({@link LuaScripts}: {@code scripts/<name>.lua}, its reply
 * read by name with {@link ScriptReply}), run by its SHA-1 (EVALSHA), sending the body only when the server does not
 * know it yet. The one exception to running scripts through a Spring Data Redis template, kept for the reason
 * below (the lock's hand-off path) and because grants with replica acknowledgement must run the script and the WAIT
 * on one given connection, which a template's script executor does not take.
 *
 * <p>It runs on Lettuce's asynchronous commands and waits for the reply without a timeout of its own: Lettuce
 * already expires every command after the connection's timeout (its {@code TimeoutOptions}, which
 * {@code LockConfiguration} checks at start-up). Spring Data's blocking call would add a second, timed wait, and
 * a timed park of a virtual thread wakes the JDK's timer thread twice (once to arm the timer, once to cancel it):
 * together with the waiting room's timed parks, about a third of the service's context switches per hand-off.
 */
final class AsyncLuaScript {

    private final String name;
    private final byte[] body;
    private final String sha1;

    private AsyncLuaScript(String name, RedisScript<?> script) {
        this.name = name;
        this.body = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
        this.sha1 = script.getSha1();
    }

    static AsyncLuaScript load(String name) {
        return new AsyncLuaScript(name, LuaScripts.loadList(name));
    }

    String name() {
        return name;
    }

    String sha1() {
        return sha1;
    }

    String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Runs the script and returns its reply of names and values; {@code keysAndArgs} holds the {@code numKeys} keys
     * first, then the arguments.
     */
    ScriptReply run(RedisConnection connection, int numKeys, byte[]... keysAndArgs) {
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
                .getNativeConnection();
        byte[][] keys = Arrays.copyOfRange(keysAndArgs, 0, numKeys);
        byte[][] args = Arrays.copyOfRange(keysAndArgs, numKeys, keysAndArgs.length);
        try {
            return ScriptReply.of(await(commands.evalsha(sha1, ScriptOutputType.MULTI, keys, args)));
        } catch (RedisNoScriptException e) {
            // First use on this server (or after SCRIPT FLUSH / a failover): EVAL caches it for the next calls.
            return ScriptReply.of(await(commands.eval(body, ScriptOutputType.MULTI, keys, args)));
        }
    }

    private static List<?> await(RedisFuture<List<Object>> reply) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply.cancel(true);
            throw new RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

}
