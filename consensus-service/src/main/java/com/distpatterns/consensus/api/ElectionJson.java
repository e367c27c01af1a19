package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ElectionEvent;
import com.distpatterns.consensus.core.ElectionLeader;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/** The election answers: a leader is {@code {"name","key","revision","value"}}, its value as the client's bytes. */
final class ElectionJson {

    private ElectionJson() {}

    static byte[] leader(JsonMapper json, ElectionLeader leader) {
        return KvJson.object(json).string("name", leader.name()).string("key", leader.key())
                .number("revision", leader.revision()).raw("value", leader.value()).bytes();
    }

    /**
     * One Server-Sent Event: {@code id} the store revision it holds as of, {@code event: leader} with the leader,
     * or {@code event: none} with {@code {"name","revision"}} when nobody campaigns.
     */
    static byte[] frame(JsonMapper json, ElectionEvent event) {
        String name;
        byte[] data;
        switch (event) {
            case ElectionEvent.Leader leader -> {
                name = "leader";
                data = leader(json, leader.leader());
            }
            case ElectionEvent.NoLeader none -> {
                name = "none";
                data = KvJson.object(json).string("name", none.name()).number("revision", none.revision()).bytes();
            }
        }
        byte[] head = ("id: " + event.revision() + "\nevent: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(data, 0, frame, head.length, data.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }
}
