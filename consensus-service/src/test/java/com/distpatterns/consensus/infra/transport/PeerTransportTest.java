package com.distpatterns.consensus.infra.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.consensus.raft.Message;
import com.distpatterns.consensus.raft.MalformedMessageException;
import com.distpatterns.consensus.raft.ProposalResult;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeerTransportTest {

    private static byte[] frame(PeerFrame frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameCodec.write(frame, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static PeerFrame roundTrip(PeerFrame frame) throws IOException {
        byte[] bytes = frame(frame);
        int length = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
                | (bytes[3] & 0xff);
        assertThat(length).isEqualTo(bytes.length - 4);
        assertThat(bytes[4]).as("version byte").isEqualTo(FrameCodec.VERSION);
        return FrameCodec.read(Arrays.copyOfRange(bytes, 4, bytes.length));
    }

    @Test
    void everyFrameKindSurvivesTheWire() throws IOException {
        assertThat(roundTrip(new PeerFrame.Hello(3))).isEqualTo(new PeerFrame.Hello(3));
        Message vote = new Message.RequestVote(1, 2, 5, 10, 4, true, false);
        assertThat(roundTrip(new PeerFrame.RaftFrame(vote))).isEqualTo(new PeerFrame.RaftFrame(vote));
        PeerFrame.ForwardProposals forward = (PeerFrame.ForwardProposals) roundTrip(
                new PeerFrame.ForwardProposals(9, false,
                        List.of("a".getBytes(StandardCharsets.UTF_8), new byte[0])));
        assertThat(forward.batchId()).isEqualTo(9);
        assertThat(forward.commands()).hasSize(2);
        assertThat(forward.commands().getFirst()).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
        assertThat(roundTrip(new PeerFrame.ProposalsAccepted(9, 100, 4)))
                .isEqualTo(new PeerFrame.ProposalsAccepted(9, 100, 4));
        assertThat(roundTrip(new PeerFrame.ProposalsRejected(9, 2, ProposalResult.Reason.NOT_LEADER)))
                .isEqualTo(new PeerFrame.ProposalsRejected(9, 2, ProposalResult.Reason.NOT_LEADER));
    }

    @Test
    void anotherVersionOrATruncatedFrameIsRefused() throws IOException {
        byte[] bytes = frame(new PeerFrame.ProposalsAccepted(1, 2, 3));
        byte[] body = Arrays.copyOfRange(bytes, 4, bytes.length);
        body[0] = 2;
        assertThatThrownBy(() -> FrameCodec.read(body)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> FrameCodec.read(Arrays.copyOfRange(bytes, 4, bytes.length - 3)))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void framesFlowBetweenTwoTransportsUntilTheLinkIsCut() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        LinkFaults faultsOfOne = new LinkFaults();
        try (PeerTransport one = new PeerTransport(1, 0, 16, 1 << 20, faultsOfOne,
                (from, f) -> received.add(from + ":" + f));
                PeerTransport two = new PeerTransport(2, 0, 16, 1 << 20, new LinkFaults(),
                        (from, f) -> received.add(from + ":" + f))) {
            one.start();
            two.start();
            one.setPeers(Map.of(2L, new PeerAddress("localhost", two.port())));
            two.setPeers(Map.of(1L, new PeerAddress("localhost", one.port())));
            Message heartbeat = new Message.Heartbeat(1, 2, 3, 4, 5);
            String expected = "1:" + new PeerFrame.RaftFrame(heartbeat);
            String got = null;
            for (int attempt = 0; attempt < 200 && got == null; attempt++) { // the link connects in the background
                one.send(2, new PeerFrame.RaftFrame(heartbeat));
                got = received.poll(100, TimeUnit.MILLISECONDS);
            }
            assertThat(got).isEqualTo(expected);

            faultsOfOne.cutExactly(Set.of(2L));
            received.clear();
            one.send(2, new PeerFrame.RaftFrame(heartbeat));
            two.send(1, new PeerFrame.RaftFrame(new Message.HeartbeatResponse(2, 1, 3, 5)));
            assertThat(received.poll(1, TimeUnit.SECONDS)).as("nothing crosses a cut link, either way").isNull();

            faultsOfOne.cutExactly(Set.of());
            String healed = null;
            for (int attempt = 0; attempt < 50 && healed == null; attempt++) {
                two.send(1, new PeerFrame.RaftFrame(new Message.HeartbeatResponse(2, 1, 3, 5)));
                healed = received.poll(100, TimeUnit.MILLISECONDS);
            }
            assertThat(healed).startsWith("2:");
        }
    }
}
