package com.distpatterns.consensus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.distpatterns.platform.test.LayerRules;
import org.junit.jupiter.api.Test;

/**
 * The layering of platform-test's {@link LayerRules}, held on this service's classes, and the Raft engine's
 * independence: {@code raft} is a library of its own (docs/raft.md) that the simulation drives without Spring,
 * RocksDB or sockets, so it uses nothing outside the JDK.
 */
class ArchitectureTest {

    @Test
    void coreDependsOnNoOuterLayer() {
        LayerRules.coreDependsOnNoOuterLayer(ConsensusServiceApplication.class)
                .check(LayerRules.classesOf(ConsensusServiceApplication.class));
    }

    @Test
    void theRaftEngineUsesNothingButTheJdk() {
        classes().that().resideInAPackage("com.distpatterns.consensus.raft..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.distpatterns.consensus.raft..")
                .because("the engine is driven by the simulation and the driver alike, with no framework under it")
                .check(LayerRules.classesOf(ConsensusServiceApplication.class));
    }
}
