package com.distpatterns.lock.api;

import com.distpatterns.lock.core.LeaseNotHeldException;
import com.distpatterns.lock.core.LockHeldException;
import com.distpatterns.lock.core.LockStoreUnavailableException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.ExceptionProblems;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/** The lock's own failures as problems; everything else is the platform's to answer. */
@Configuration(proxyBeanMethods = false)
class LockProblems {

    @Bean
    ExceptionProblems lockExceptionProblems() {
        return ExceptionProblems.service()
                .on(LockHeldException.class, e -> new ApiException(HttpStatus.CONFLICT, "lock-held", e.getMessage(),
                        e.holderExpiresIn(), Map.of("name", e.lockName())))
                .on(LeaseNotHeldException.class, e -> ApiException.conflict("lease-not-held", e.getMessage()))
                .on(LockStoreUnavailableException.class,
                        e -> ApiException.unavailable("store-unavailable", e.getMessage(),
                                Duration.ofSeconds(1)))
                .build();
    }
}
