package com.distpatterns.cache.core;

/** Turns a memoised value into the JSON bytes kept in the shared store and back. */
public interface ValueCodec<T> {

    byte[] encode(T value);

    /** Decodes stored bytes; throws {@link IllegalArgumentException} when they are not a value of this cache. */
    T decode(byte[] json);
}
