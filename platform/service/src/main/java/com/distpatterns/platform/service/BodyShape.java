package com.distpatterns.platform.service;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/**
 * Says which field of a JSON body had the wrong shape, in the API's words: the field's path and the kind of value
 * it takes. Never Jackson's own message, which names Java types of the service.
 */
final class BodyShape {

    private BodyShape() {}

    static Optional<String> describe(HttpMessageNotReadableException ex) {
        for (Throwable t = ex.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String field = "'" + path(jackson) + "'";
                if (t instanceof PropertyBindingException) {
                    return Optional.of(field + " is not a field of this body");
                }
                if (t instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
                    return Optional.of(field + " must be " + kind(mismatch.getTargetType()));
                }
                return Optional.of(field + " is not of the expected shape");
            }
        }
        return Optional.empty();
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String kind(Class<?> type) {
        if (Number.class.isAssignableFrom(type)
                || (type.isPrimitive() && type != boolean.class && type != char.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class
                || type.isEnum()) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a value of another kind";
    }
}
