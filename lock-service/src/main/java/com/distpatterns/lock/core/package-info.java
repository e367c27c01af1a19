/** The lock's logic: leases, fencing tokens and fair waiting, in plain Java behind the {@link com.distpatterns.lock.core.LockStore} port. */
package com.distpatterns.lock.core;
