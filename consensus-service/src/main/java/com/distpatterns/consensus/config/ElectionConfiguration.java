package com.distpatterns.consensus.config;

import com.distpatterns.consensus.core.Elections;
import com.distpatterns.consensus.core.Leases;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.core.Watches;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Elections: a recipe over the store, its leases and watches, with no state of its own. */
@Configuration
public class ElectionConfiguration {

    @Bean
    Elections elections(ReplicatedStore store, Leases leases, Watches watches, ConsensusProperties properties) {
        // Past the driver's own deadline, so that only a stuck driver is ever cut off here.
        return new Elections(store, leases, watches, properties.requestTimeout().plusSeconds(2));
    }
}
