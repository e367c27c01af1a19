package com.distpatterns.cache.api;

import com.distpatterns.cache.core.Square;
import com.distpatterns.cache.core.SquareComputation;
import com.distpatterns.platform.service.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The article's memoised {@code expensive_computation}. */
@RestController
@Tag(name = "compute", description = "A slow computation memoised in the shared cache")
class ComputeController {

    private final SquareComputation computation;

    ComputeController(SquareComputation computation) {
        this.computation = computation;
    }

    @GetMapping("/api/compute/square/{n}")
    @Operation(summary = "n squared: about 2 s the first time, then served from the cache 'square' for 60 s",
            description = "Concurrent first calls for the same n, on any number of instances, compute once; the others wait"
                    + " for that result. 'cached' is true when the result was read from Redis.")
    SquareResponse square(@PathVariable("n") String argument) throws InterruptedException {
        long n;
        try {
            n = Long.parseLong(argument);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-argument",
                    "n must be a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", not '" + argument
                            + "'.");
        }
        Square square = computation.square(n);
        return new SquareResponse(square.n(), square.result(), square.cached());
    }
}
