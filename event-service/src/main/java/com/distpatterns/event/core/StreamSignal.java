package com.distpatterns.event.core;

/** What a live stream's writer must send next. */
public sealed interface StreamSignal {

    /** An event for the client. */
    record Event(LiveEvent event) implements StreamSignal {}

    /** Nothing for a while: send a heartbeat so proxies and the client know the stream is alive. */
    record Heartbeat() implements StreamSignal {}

    /** The stream is over: tell the client why and close it. */
    record End(StreamEnd reason) implements StreamSignal {}
}
