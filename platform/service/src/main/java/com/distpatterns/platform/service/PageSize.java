package com.distpatterns.platform.service;

/** The {@code limit} of a listing call, as every service reads it: a whole number within bounds, or a 400. */
public final class PageSize {

    private PageSize() {}

    /**
     * @param raw the parameter as sent; {@code null} or empty means {@code defaultSize}
     * @throws ApiException 400 {@code invalid-limit} when it is not a whole number from 1 to {@code max}
     */
    public static int parse(String raw, int defaultSize, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultSize;
        }
        int size;
        try {
            size = Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > max) {
            String shown = raw.length() > 20 ? raw.substring(0, 20) + "…" : raw;
            throw ApiException.badRequest("invalid-limit",
                    "limit must be a whole number from 1 to " + max + ", not '" + shown + "'.");
        }
        return size;
    }
}
