package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.Watch;
import com.distpatterns.consensus.core.WatchMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open watch streams: each a virtual thread that reads its watch and writes what it gets, several messages
 * per write when they are waiting. A stream ends when its watch ends (compacted, lagging), when the client goes
 * (the write fails, or the container reports it), or when the node stops: this lifecycle stops before the web
 * server's graceful shutdown, which would otherwise wait for streams that never end.
 */
@Component
class WatchStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WatchStreams.class);
    /** How long a stream waits for a message before it looks again whether it should stop. */
    private static final Duration POLL = Duration.ofSeconds(1);
    /** Bytes gathered into one write at most. */
    private static final int BATCH_BYTES = 64 * 1024;
    private static final byte[] OPENED = ": watching\n\n".getBytes(StandardCharsets.US_ASCII);

    private final WatchFrames frames;
    private final RequestThreads open = new RequestThreads("watch-stream");
    private volatile boolean running;

    WatchStreams(JsonMapper json) {
        this.frames = new WatchFrames(json);
    }

    /** Streams {@code watch} into a new emitter, on its own virtual thread. */
    SseEmitter stream(Watch watch) {
        SseEmitter emitter = new SseEmitter(0L); // no timeout: a watch lasts as long as its client wants it
        Stream stream = new Stream(watch, emitter);
        emitter.onCompletion(stream::stop);
        emitter.onTimeout(stream::stop);
        emitter.onError(e -> stream.stop());
        open.start(stream::run);
        if (!running) {
            stream.stop();
        }
        return emitter;
    }

    /** Streams open now. */
    int openStreams() {
        return open.size();
    }

    private final class Stream {
        private final Watch watch;
        private final SseEmitter emitter;
        private volatile boolean stopped;

        Stream(Watch watch, SseEmitter emitter) {
            this.watch = watch;
            this.emitter = emitter;
        }

        void run() {
            try {
                send(OPENED);
                while (!stopped) {
                    WatchMessage message = watch.next(POLL);
                    if (message == null) {
                        continue;
                    }
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    boolean ends = add(batch, message);
                    while (!ends && batch.size() < BATCH_BYTES && (message = watch.next(Duration.ZERO)) != null) {
                        ends = add(batch, message);
                    }
                    send(batch.toByteArray());
                    if (ends) {
                        break;
                    }
                }
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                // The client went away (the write failed, or the container completed the response already).
            } catch (InterruptedException e) {
                emitter.complete();
            } finally {
                watch.close();
            }
        }

        private boolean add(ByteArrayOutputStream batch, WatchMessage message) {
            if (message instanceof WatchMessage.Lagging lagging) {
                log.info("A watch stream fell behind by its whole buffer and was ended; it may resume from revision {}",
                        lagging.resumeFrom());
            }
            batch.writeBytes(frames.frame(message));
            return WatchFrames.ends(message);
        }

        private void send(byte[] bytes) throws IOException {
            emitter.send(Set.of(new DataWithMediaType(bytes, MediaType.TEXT_EVENT_STREAM)));
        }

        void stop() {
            stopped = true;
            watch.close();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream (their clients reconnect elsewhere with Last-Event-ID) and waits for their threads. */
    @Override
    public void stop() {
        running = false;
        open.interruptAndJoin(Duration.ofSeconds(2)); // a stream's wait for its watch ends, and it completes
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
