package com.distpatterns.platform.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The suite's one way to run Lua on Redis. A script lives in {@code src/main/resources/scripts/<name>.lua} of its
 * service and is loaded here into Spring Data Redis's {@link RedisScript}; it runs through a template's
 * {@code execute(script, keys, args)} ({@code StringRedisTemplate}, {@code RedisTemplate<byte[], byte[]>} or, in
 * the reactive gateway, {@code ReactiveStringRedisTemplate}), whose script executor sends EVALSHA and falls back to
 * EVAL once when the server does not know the script yet (after a restart, a failover or SCRIPT FLUSH). All keys of
 * one call share a Redis Cluster hash tag ({@code {...}}), so the call is served by one slot.
 *
 * <p>One exception, measured: the gateway's rate-limit leases ({@code RedisTokenBucket}) send their script straight
 * through Lettuce, with the same EVALSHA-then-EVAL, where the reactive template's work around each call was most of
 * the leases' cost.
 *
 * <p>A script that answers more than one value answers a flat array of names and values, read with
 * {@link ScriptReply}, never by position.
 */
public final class LuaScripts {

    /** Where every service keeps its scripts, on its class path. */
    public static final String FOLDER = "scripts/";

    private LuaScripts() {}

    /**
     * The script {@code scripts/<name>.lua}, its text read once: a {@code RedisScript} made from a resource would
     * check the resource for changes on every call.
     *
     * @param resultType {@code Long}, {@code Boolean}, {@code String} or {@code List}: what the script returns
     */
    public static <T> RedisScript<T> load(String name, Class<T> resultType) {
        String resource = FOLDER + name + ".lua";
        try (InputStream in = LuaScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + resource);
            }
            return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /**
     * A template that runs scripts over raw bytes (keys, arguments and string replies as {@code byte[]}), for
     * services that store values byte for byte.
     */
    public static RedisTemplate<byte[], byte[]> binaryTemplate(RedisConnectionFactory connections) {
        RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connections);
        template.setDefaultSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
        return template;
    }

    /** A script whose reply is an array: a {@link ScriptReply}'s names and values, or a list of like items. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static RedisScript<List<Object>> loadList(String name) {
        return (RedisScript) load(name, List.class);
    }
}
