package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusConfiguration;
import com.distpatterns.consensus.infra.InjectedDiskFault;
import com.distpatterns.consensus.infra.transport.LinkFaults;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test hooks, present only with the {@code fault-injection} profile: cut this node's links to chosen peers (frames
 * both ways are dropped), or make its disk refuse writes. Outside {@code /api}, so the gateway never routes here.
 */
@RestController
@Profile(ConsensusConfiguration.FAULT_INJECTION)
class FaultInjectionController {

    private final LinkFaults links;
    private final InjectedDiskFault disk;

    FaultInjectionController(LinkFaults links, InjectedDiskFault disk) {
        this.links = links;
        this.disk = disk;
    }

    /**
     * {@code cut}: the peers this node is cut off from (empty heals every link); {@code diskFull}: refuse writes;
     * {@code outOfMemory}: the next write throws {@link OutOfMemoryError} on the driver thread.
     */
    record Faults(Set<Long> cut, Boolean diskFull, Boolean outOfMemory) {}

    @PostMapping("/test/faults")
    Faults set(@RequestBody Faults faults) {
        if (faults.cut() != null) {
            links.cutExactly(faults.cut());
        }
        if (faults.diskFull() != null) {
            disk.setFull(faults.diskFull());
        }
        if (faults.outOfMemory() != null) {
            disk.setOutOfMemory(faults.outOfMemory());
        }
        return current();
    }

    @GetMapping("/test/faults")
    Faults current() {
        return new Faults(new TreeSet<>(links.cut()), disk.isFull(), disk.isOutOfMemory());
    }
}
