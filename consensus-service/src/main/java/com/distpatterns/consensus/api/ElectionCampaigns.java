package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ElectionLeader;
import com.distpatterns.consensus.core.Elections;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * Campaigns waiting to lead, each on a virtual thread behind an async request, so a wait of minutes holds no
 * platform thread. A campaign given up (the container reports the client gone or the request timed out, or the
 * node stops) is interrupted, and withdraws its key before it answers, so it never leads with nobody there.
 */
@Component
class ElectionCampaigns implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ElectionCampaigns.class);

    private final Elections elections;
    private final JsonMapper json;
    /** Store calls a campaign may still make after its wait (the withdrawal), each bounded by this. */
    private final Duration callLimit;
    private final RequestThreads waiting = new RequestThreads("election-campaign");
    private volatile boolean running;

    ElectionCampaigns(Elections elections, JsonMapper json, ConsensusProperties properties) {
        this.elections = elections;
        this.json = json;
        this.callLimit = properties.requestTimeout().plusSeconds(2);
    }

    DeferredResult<ResponseEntity<byte[]>> campaign(String name, ElectionRequests.Campaign request) {
        DeferredResult<ResponseEntity<byte[]>> result = new DeferredResult<>(
                request.maxWait().plus(callLimit.multipliedBy(4)).toMillis());
        if (!running) {
            result.setErrorResult(stopping());
            return result;
        }
        Thread thread = waiting.start(() -> {
            try {
                ElectionLeader leader = elections.campaign(name, request.value(), request.leaseId(), request.maxWait());
                log.info("election '{}': {} leads, token {}", name, leader.key(), leader.revision());
                result.setResult(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                        .body(ElectionJson.leader(json, leader)));
            } catch (InterruptedException e) {
                result.setErrorResult(stopping());
            } catch (RuntimeException e) {
                result.setErrorResult(e);
            }
        });
        result.onTimeout(thread::interrupt);
        result.onError(e -> thread.interrupt());
        return result;
    }

    private static ConsensusUnavailableException stopping() {
        return new ConsensusUnavailableException(ConsensusUnavailableException.Reason.STOPPING,
                "The campaign was given up (the node is stopping, or the request ended); its key was withdrawn.");
    }

    @Override
    public void start() {
        running = true;
    }

    /** Interrupts every waiting campaign, which withdraws its key, and gives them a moment to do so. */
    @Override
    public void stop() {
        running = false;
        waiting.interruptAndJoin(callLimit);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
