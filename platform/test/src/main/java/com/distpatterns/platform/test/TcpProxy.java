package com.distpatterns.platform.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands between a service and a shared server (the broker, Redis) so that a test can take it away from this
 * service alone:
 * {@link #cut()} drops every connection and refuses new ones, as a server restart does, and {@link #stall()}
 * keeps the connections but holds back the server's replies, as a hung server does, without touching the server
 * everyone else uses.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;
    private volatile boolean stalled;

    /** A proxy that lets connections through from the start. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this(targetHost, targetPort, true);
    }

    /** @param open whether connections go through from the start, or are refused until {@link #restore()} */
    public TcpProxy(String targetHost, int targetPort, boolean open) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.refusing = !open;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every proxied connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        refusing = true;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /**
     * Holds back everything the server sends, on open and new connections alike, until {@link #restore()}: the
     * server still gets every request, and its replies arrive late and in order, as from a server that hung.
     */
    public void stall() {
        stalled = true;
    }

    /** Lets connections through again, and the replies held back by {@link #stall()}. */
    public void restore() {
        refusing = false;
        stalled = false;
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket(targetHost, targetPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                // As a direct connection would: without this, Nagle and delayed ACKs hold small replies back by up to 40 ms.
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, false));
                Thread.ofVirtual().start(() -> pump(upstream, client, true));
            } catch (IOException e) {
                // the proxy is closing
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                while (fromServer && stalled && !to.isClosed()) {
                    Thread.sleep(5);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
