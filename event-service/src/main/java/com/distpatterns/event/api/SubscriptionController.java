package com.distpatterns.event.api;

import com.distpatterns.event.core.InvalidInputException;
import com.distpatterns.event.core.SubscriptionChange;
import com.distpatterns.event.core.SubscriptionName;
import com.distpatterns.event.core.SubscriptionStatus;
import com.distpatterns.event.core.Subscriptions;
import com.distpatterns.event.core.TopicPattern;
import io.swagger.v3.oas.annotations.Operation;
import com.distpatterns.platform.service.PageSize;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Durable subscriptions: a queue of their own, delivered to a webhook. */
@RestController
public class SubscriptionController {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 500;

    private final Subscriptions subscriptions;

    public SubscriptionController(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Operation(summary = "Create (201, with the signing secret, shown only this once) or update (200) a subscription")
    @PutMapping("/api/subscriptions/{name}")
    public ResponseEntity<SubscriptionResponse> put(@PathVariable String name,
            @RequestBody SubscriptionRequest request) {
        SubscriptionName subscription = new SubscriptionName(name);
        if (request.pattern() == null) {
            throw new InvalidInputException("invalid-pattern", "pattern is required, e.g. \"user.#\".");
        }
        SubscriptionChange change = subscriptions.put(subscription, new TopicPattern(request.pattern()),
                request.webhookUrl());
        SubscriptionResponse body = SubscriptionResponse.of(change.status(), change.created());
        return change.created()
                ? ResponseEntity.created(URI.create("/api/subscriptions/" + subscription)).body(body)
                : ResponseEntity.ok(body);
    }

    @Operation(summary = "Every subscription in name order with its counts, a page at a time; never a secret")
    @GetMapping("/api/subscriptions")
    public SubscriptionListResponse list(@RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        int size = PageSize.parse(limit, DEFAULT_PAGE, MAX_PAGE);
        SubscriptionName after = cursor == null || cursor.isEmpty() ? null : new SubscriptionName(cursor);
        List<SubscriptionStatus> found = subscriptions.list(after, size);
        List<SubscriptionResponse> page = found.stream().limit(size)
                .map(status -> SubscriptionResponse.of(status, false)).toList();
        return new SubscriptionListResponse(page, found.size() > size ? page.getLast().name() : null);
    }

    @Operation(summary = "A subscription with its delivered, pending and dead-lettered counts")
    @GetMapping("/api/subscriptions/{name}")
    public SubscriptionResponse get(@PathVariable String name) {
        return SubscriptionResponse.of(subscriptions.status(new SubscriptionName(name)), false);
    }

    @Operation(summary = "Delete a subscription with its queues")
    @DeleteMapping("/api/subscriptions/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String name) {
        subscriptions.delete(new SubscriptionName(name));
    }
}
