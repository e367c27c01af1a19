package com.distpatterns.task.core;

import java.util.List;

/** Tasks newest first, by an index written beside the task records, read in bounded pages. */
public interface TaskIndex {

    /** Where a page ends: the creation time and id of the last index entry examined. */
    record Position(long createdAtMillis, String id) {}

    /**
     * One page's question.
     *
     * @param status only tasks in this status, or {@code null} for any
     * @param type only tasks of this type, or {@code null}
     * @param batchId only the chunk tasks of this batch, or {@code null}
     * @param limit at most this many tasks
     * @param after continue after this position, or {@code null} for the newest
     * @param maxExamined at most this many index entries are looked at, matching or not
     */
    record Query(TaskStatus status, String type, String batchId, int limit, Position after, int maxExamined) {}

    /**
     * @param next where the following page starts, or {@code null} when the index has nothing after this page
     */
    record Page(List<TaskView> tasks, Position next) {}

    Page page(Query query);
}
