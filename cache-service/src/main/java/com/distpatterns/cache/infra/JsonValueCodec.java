package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.ValueCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Memoised values as JSON through the application's Jackson mapper: never Java serialization. */
public record JsonValueCodec<T>(JsonMapper json, Class<T> type) implements ValueCodec<T> {

    @Override
    public byte[] encode(T value) {
        return json.writeValueAsBytes(value);
    }

    @Override
    public T decode(byte[] bytes) {
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new IllegalArgumentException("null is not a " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
