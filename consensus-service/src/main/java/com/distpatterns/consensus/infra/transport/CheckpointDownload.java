package com.distpatterns.consensus.infra.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** The client side of a checkpoint download: a connection of its own to a peer's Raft port. */
public final class CheckpointDownload {

    private CheckpointDownload() {}

    /**
     * Asks {@code peer} for its newest checkpoint at {@code minIndex} or later; the answer is read from the stream,
     * and closing the stream closes the connection.
     */
    public static InputStream open(long selfId, PeerAddress peer, long minIndex) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), 5_000);
            socket.setSoTimeout(60_000);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            FrameCodec.write(new PeerFrame.FetchCheckpoint(selfId, minIndex), out);
            out.flush();
            return new FilterInputStream(new BufferedInputStream(socket.getInputStream(), 256 << 10)) {
                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
