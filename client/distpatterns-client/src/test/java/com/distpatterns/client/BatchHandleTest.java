package com.distpatterns.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

/** The batch's progress bookkeeping over its tasks' futures; how those futures are fed is ClientTasksIT's. */
class BatchHandleTest {

    private final List<CompletableFuture<JsonNode>> futures = IntStream.range(0, 3)
            .mapToObj(i -> new CompletableFuture<JsonNode>()).toList();
    private final BatchHandle batch = new BatchHandle(IntStream.range(0, 3)
            .mapToObj(i -> new TaskHandle("t" + i, "factorial", futures.get(i), JsonMapper.builder().build(), null))
            .toList());

    @Test
    void aListenerRegisteredAfterTheLastTaskEndedStillSeesTheWholeBatch() {
        futures.forEach(future -> future.complete(IntNode.valueOf(1)));
        List<Integer> seen = new CopyOnWriteArrayList<>();

        batch.onProgress(progress -> seen.add(progress.completed()));

        assertThat(seen).containsExactly(3);
        assertThat(batch.results()).isCompleted();
    }

    @Test
    void aListenerIsToldOfTheProgressSoFarThenOfEveryTaskThatEnds() {
        futures.get(0).complete(IntNode.valueOf(1));
        List<BatchHandle.Progress> seen = new CopyOnWriteArrayList<>();

        batch.onProgress(seen::add);
        futures.get(1).completeExceptionally(new IllegalStateException("boom"));
        futures.get(2).complete(IntNode.valueOf(3));

        assertThat(seen).extracting(BatchHandle.Progress::completed).containsExactly(1, 2, 3);
        assertThat(seen.get(seen.size() - 1).done()).isTrue();
        assertThat(batch.progress().fraction()).isEqualTo(1.0);
        assertThat(batch.results()).isCompletedExceptionally();
    }
}
