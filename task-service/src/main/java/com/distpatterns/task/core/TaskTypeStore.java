package com.distpatterns.task.core;

import java.util.List;

/** Where registered task types are kept, durably, for every API and worker process. */
public interface TaskTypeStore {

    List<RegisteredType> all();

    void save(RegisteredType type);

    /** @return whether there was such a type */
    boolean delete(String name);
}
