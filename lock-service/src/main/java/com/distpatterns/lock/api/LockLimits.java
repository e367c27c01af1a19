package com.distpatterns.lock.api;

/** The API's limits, in one place for validation messages and docs. */
final class LockLimits {

    static final String NAME_PATTERN = "[A-Za-z0-9._:-]{1,128}";
    static final String NAME_MESSAGE = "lock names are 1 to 128 characters of A-Z a-z 0-9 . _ : -";
    static final String PREFIX_PATTERN = "[A-Za-z0-9._:-]{0,128}";
    static final String PREFIX_MESSAGE = "a prefix is at most 128 characters of A-Z a-z 0-9 . _ : -";
    static final int MAX_PAGE = 500;
    static final long MIN_TTL_MS = 100;
    static final long MAX_TTL_MS = 3_600_000;
    static final String TTL_MESSAGE = "must be between 100 and 3600000 (milliseconds)";
    static final long MAX_WAIT_MS = 60_000;
    static final String WAIT_MESSAGE = "must be between 0 and 60000 (milliseconds)";
    static final int MAX_OWNER_LENGTH = 256;
    static final int MAX_LEASE_ID_LENGTH = 64;

    private LockLimits() {}
}
