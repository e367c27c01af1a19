/** Redis adapters: the Lua scripts behind {@link com.distpatterns.lock.core.LockStore}, the wake-up subscription, metrics. */
package com.distpatterns.lock.infra;
