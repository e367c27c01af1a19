/** The HTTP face of the lock service: {@code /api/locks/**}, its request and response shapes, its problems. */
package com.distpatterns.lock.api;
