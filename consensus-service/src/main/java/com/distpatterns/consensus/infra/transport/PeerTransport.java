package com.distpatterns.consensus.infra.transport;

import com.distpatterns.consensus.raft.MalformedMessageException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message passing between the servers over TCP: one persistent outgoing connection per peer ({@link PeerLink}),
 * and a listening socket whose accepted connections are read by one thread each. Frames are length-prefixed with
 * a version byte ({@link FrameCodec}); an incoming frame goes to the {@link Receiver} with the sender's id.
 */
public final class PeerTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    /** Serves a checkpoint download on a connection that asked for one ({@link PeerFrame.FetchCheckpoint}). */
    @FunctionalInterface
    public interface CheckpointServer {
        void serve(long minIndex, java.io.OutputStream out) throws IOException;
    }

    /** Where incoming frames go: the driver's queue. Called from the connections' reader threads. */
    @FunctionalInterface
    public interface Receiver {
        void receive(long from, PeerFrame frame);
    }

    private final long selfId;
    private final int listenPort;
    private final int queueCapacity;
    private final int maxFrameBytes;
    private final LinkFaults faults;
    private final Receiver receiver;
    private final Map<Long, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Socket> inbound = ConcurrentHashMap.newKeySet();
    private volatile CheckpointServer checkpoints = (minIndex, out) -> {
        throw new IOException("this node serves no checkpoints");
    };
    private ServerSocket server;
    private volatile boolean running = true;

    public PeerTransport(long selfId, int listenPort, int queueCapacity, int maxFrameBytes, LinkFaults faults,
            Receiver receiver) {
        this.selfId = selfId;
        this.listenPort = listenPort;
        this.queueCapacity = queueCapacity;
        this.maxFrameBytes = maxFrameBytes;
        this.faults = faults;
        this.receiver = receiver;
    }

    /** Binds the Raft port and starts accepting peers. */
    public void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(listenPort));
        Thread.ofPlatform().daemon().name("raft-accept").start(this::accept);
        log.info("Raft transport of node {} listening on port {}", selfId, server.getLocalPort());
    }

    /** Who answers checkpoint downloads on this node's Raft port. */
    public void serveCheckpoints(CheckpointServer server) {
        this.checkpoints = server;
    }

    /** The port the transport listens on (useful when configured as 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** Makes the outgoing links match the address book: new peers get a link, departed ones lose theirs. */
    public void setPeers(Map<Long, PeerAddress> peers) {
        for (Map.Entry<Long, PeerAddress> peer : peers.entrySet()) {
            if (peer.getKey() == selfId) {
                continue;
            }
            PeerLink existing = links.get(peer.getKey());
            if (existing != null) {
                existing.setAddress(peer.getValue());
            } else if (running) {
                PeerLink link = new PeerLink(selfId, peer.getKey(), peer.getValue(), queueCapacity);
                links.put(peer.getKey(), link);
                link.start();
            }
        }
        for (Long id : Set.copyOf(links.keySet())) {
            if (!peers.containsKey(id)) {
                PeerLink link = links.remove(id);
                link.close();
                log.info("Peer {} removed from the transport", id);
            }
        }
    }

    /** Sends a frame if the link is up and has room; dropped otherwise, which Raft tolerates. */
    public void send(long to, PeerFrame frame) {
        PeerLink link = links.get(to);
        if (link == null || faults.isCut(to)) {
            return;
        }
        link.offer(frame);
    }

    /** Each peer's address and whether its outgoing connection is up. */
    public Map<Long, LinkState> links() {
        Map<Long, LinkState> states = new TreeMap<>();
        links.forEach((id, link) -> states.put(id, new LinkState(link.address(), link.connected(), link.dropped())));
        return states;
    }

    /** One outgoing link as operators see it. */
    public record LinkState(PeerAddress address, boolean connected, long dropped) {}

    private void accept() {
        while (running) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                inbound.add(socket);
                Thread.ofPlatform().daemon().name("raft-peer-in").start(() -> read(socket));
            } catch (IOException e) {
                if (running) {
                    log.warn("Accepting a peer connection failed: {}", e.getMessage());
                }
            }
        }
    }

    private void read(Socket socket) {
        long from = 0;
        try (socket;
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10))) {
            PeerFrame first = FrameCodec.read(readFrame(in));
            if (first instanceof PeerFrame.FetchCheckpoint fetch) {
                from = fetch.nodeId();
                Thread.currentThread().setName("raft-checkpoint-out-" + from);
                // A long download must not hold the connection's thread hostage to a silent peer forever.
                socket.setSoTimeout(60_000);
                if (!faults.isCut(from)) {
                    checkpoints.serve(fetch.minIndex(), socket.getOutputStream());
                }
                return;
            }
            if (!(first instanceof PeerFrame.Hello hello)) {
                throw new MalformedMessageException("the first frame on a connection must say who calls");
            }
            from = hello.nodeId();
            Thread.currentThread().setName("raft-peer-in-" + from);
            while (running) {
                PeerFrame frame = FrameCodec.read(readFrame(in));
                if (!faults.isCut(from)) {
                    receiver.receive(from, frame);
                }
            }
        } catch (EOFException e) {
            // the peer closed the connection: it reconnects when it has something to say
        } catch (IOException e) {
            if (running) {
                log.debug("Connection from peer {} closed: {}", from, e.getMessage());
            }
        } catch (MalformedMessageException e) {
            log.warn("Dropped the connection from peer {} ({}): {}", from, socket.getRemoteSocketAddress(),
                    e.getMessage());
        } finally {
            inbound.remove(socket);
        }
    }

    private byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 2 || length > maxFrameBytes) {
            throw new MalformedMessageException("a frame length of " + length + " (at most " + maxFrameBytes + ")");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    @Override
    public void close() {
        running = false;
        links.values().forEach(PeerLink::close);
        links.clear();
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // shutting down
        }
        for (Socket socket : inbound) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }
}
