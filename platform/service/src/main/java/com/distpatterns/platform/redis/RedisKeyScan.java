package com.distpatterns.platform.redis;

import java.util.function.Consumer;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Walks the keys matching a pattern with SCAN, never KEYS: Redis serves other clients between batches. On one Redis
 * or Sentinel it is one scan; on Redis Cluster, where a scan covers one node, every master in turn.
 */
public final class RedisKeyScan {

    private RedisKeyScan() {}

    public static void forEach(RedisConnection connection, ScanOptions options, Consumer<byte[]> action) {
        if (connection instanceof RedisClusterConnection cluster) {
            for (RedisClusterNode node : cluster.clusterGetNodes()) {
                if (node.isMaster()) {
                    try (Cursor<byte[]> cursor = cluster.scan(node, options)) {
                        cursor.forEachRemaining(action);
                    }
                }
            }
            return;
        }
        try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
            cursor.forEachRemaining(action);
        }
    }

    /** Escapes the characters that a SCAN {@code MATCH} pattern gives a meaning, so the text matches only itself. */
    public static String globEscape(String literal) {
        StringBuilder escaped = new StringBuilder(literal.length() + 8);
        for (char c : literal.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
