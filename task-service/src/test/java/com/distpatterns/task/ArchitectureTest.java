package com.distpatterns.task;

import com.distpatterns.platform.test.LayerRules;
import org.junit.jupiter.api.Test;

/** The layering of platform-test's {@link LayerRules}, held on this service's classes. */
class ArchitectureTest {

    @Test
    void coreDependsOnNoOuterLayer() {
        LayerRules.coreDependsOnNoOuterLayer(TaskServiceApplication.class)
                .check(LayerRules.classesOf(TaskServiceApplication.class));
    }
}
