package com.distpatterns.cache;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@link CacheApiTest} with every call through Spring MVC ({@code cache.direct-get=false}): the entry GET's direct
 * path and the controller must answer alike.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.data.redis.timeout=5s", "cache.flush-batch-size=50", "cache.direct-get=false",
                CacheApiTest.UNIQUE_KEYS})
class CacheApiThroughMvcTest extends CacheApiTest {}
