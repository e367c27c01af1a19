package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ElectionEvent;
import com.distpatterns.consensus.core.ElectionObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Open observe streams, each a virtual thread writing its observer's events. A comment goes out after each
 * {@link #KEEPALIVE} of silence, so a client that went away is noticed by a failed write and its watch freed.
 */
@Component
class ElectionStreams implements SmartLifecycle {

    static final Duration KEEPALIVE = Duration.ofSeconds(10);
    private static final byte[] COMMENT = ": still observing\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;
    private final RequestThreads open = new RequestThreads("election-observe");
    private volatile boolean running;

    ElectionStreams(JsonMapper json) {
        this.json = json;
    }

    /** Streams {@code first} and then what {@code observer} tells, until the client or the node goes. */
    SseEmitter stream(ElectionObserver observer, ElectionEvent first) {
        SseEmitter emitter = new SseEmitter(0L); // no timeout: it lasts as long as its client wants it
        Thread thread = open.start(() -> run(observer, first, emitter));
        emitter.onCompletion(thread::interrupt);
        emitter.onTimeout(thread::interrupt);
        emitter.onError(e -> thread.interrupt());
        if (!running) {
            thread.interrupt();
        }
        return emitter;
    }

    private void run(ElectionObserver observer, ElectionEvent first, SseEmitter emitter) {
        try (observer) {
            send(emitter, ElectionJson.frame(json, first));
            while (running) {
                ElectionEvent event = observer.next(KEEPALIVE);
                send(emitter, event == null ? COMMENT : ElectionJson.frame(json, event));
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // The client went away: the write failed, or the container completed the response already.
        } catch (InterruptedException e) {
            emitter.complete();
        } catch (RuntimeException e) {
            // The store could not be read (no leader, the node stopping): end the stream, the client reconnects.
            emitter.complete();
        }
    }

    private static void send(SseEmitter emitter, byte[] frame) throws IOException {
        emitter.send(Set.of(new DataWithMediaType(frame, MediaType.TEXT_EVENT_STREAM)));
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.interruptAndJoin(Duration.ofSeconds(2));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
