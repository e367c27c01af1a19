package com.distpatterns.client;

import com.distpatterns.client.Transport.Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 over blocking sockets, keep-alive connections pooled: the client's wire. A call runs on the calling
 * thread from the request's write to the answer's last byte, with no hand-off to another thread.
 *
 * <p>Why not the JDK's {@code HttpClient}: its selector thread reads every answer and hands it to an executor
 * thread, which completes a future the caller waits on; with its request timer and its own futures that cost the
 * lock benchmark's client twelve times the CPU of a blocking socket per acquire+release (docs/benchmarks.md,
 * issue 17). The suite speaks plain HTTP/1.1 JSON; this is all of it that the client needs.
 *
 * <p>Rules: a connection serves one call at a time and goes back to the pool only after a complete answer that did
 * not say {@code Connection: close}; after any error it is closed. Sockets block without a socket timeout (one
 * system call per read); a call's writes and reads are bounded by its deadline through {@link DeadlineWatch}, which
 * closes the socket of a call that outlives it. A connection idle for {@link #VALIDATE_AFTER_NANOS} is checked with
 * one non-blocking read of its channel (a TLS one with a 1 ms timed read, which leaves it non-blocking: still correct,
 * one {@code poll} more per read).
 */
final class Http1 implements AutoCloseable {

    /** A connection idle this long is checked before use (a 1 ms read): the server may have closed it meanwhile. */
    static final long VALIDATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A connection idle this long is closed rather than used: below Tomcat's default keep-alive timeout (60 s). */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A request body under this size is written with its head in one write (one segment). */
    static final int ONE_WRITE = 32 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** No connection could be made (refused, no route, connect timeout, TLS handshake): nothing was sent. */
    static final class NotSentException extends IOException {
        private static final long serialVersionUID = 1L;

        NotSentException(IOException cause) {
            super(cause.toString(), cause);
        }
    }

    /** An answer whose body is left to the caller as a stream (closing it closes the connection). */
    record Streamed(int status, List<Header> headers, InputStream body) {}

    private static final VarHandle DEADLINE;

    static {
        try {
            DEADLINE = MethodHandles.lookup().findVarHandle(Connection.class, "deadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String host;
    private final int port;
    private final boolean tls;
    private final int connectTimeoutMs;
    /** Idle connections, the most recently used first: hot ones stay hot, cold ones age out at the tail. */
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final DeadlineWatch watch = new DeadlineWatch("distpatterns-deadlines");
    private volatile boolean closed;

    Http1(URI url, int connectTimeoutMs) {
        String h = url.getHost();
        this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h; // an IPv6 literal without its brackets
        this.tls = "https".equals(url.getScheme());
        this.port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * One request and its whole answer.
     *
     * @param head the request line and headers, ending with the empty line
     * @param body the body, or {@code null}
     * @param deadline {@link System#nanoTime()} by which the answer must have been read
     * @throws NotSentException if the request certainly did not reach the server
     * @throws IOException if it may have (a {@link SocketTimeoutException} when the deadline passed)
     */
    Transport.Response exchange(byte[] head, byte[] body, long deadline) throws IOException {
        Connection connection = take(deadline);
        boolean reusable = false;
        try {
            connection.bound(deadline);
            try {
                connection.write(head, body);
            } catch (NotSentException e) {
                // A server may answer (a 413) and close before it read a large body: that answer says more than the failure.
                Transport.Response early = connection.earlyAnswer();
                if (early == null) {
                    throw e;
                }
                return early;
            }
            Transport.Response response = connection.readAnswer();
            reusable = connection.reusable;
            return response;
        } finally {
            connection.deadline = 0;
            if (reusable && !connection.expired) {
                release(connection);
            } else {
                connection.close();
            }
        }
    }

    /**
     * A request whose answer's body is read by the caller for as long as it lasts (an event stream): the deadline
     * bounds the wait for the headers only. The connection is never pooled.
     */
    Streamed open(byte[] head, long deadline) throws IOException {
        Connection connection = connect(deadline);
        try {
            connection.bound(deadline);
            connection.write(head, null);
            Streamed answer = connection.readHead();
            connection.deadline = 0;
            if (connection.expired) {
                throw new SocketTimeoutException("no answer in time");
            }
            return answer;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private Connection take(long deadline) throws IOException {
        long now = System.nanoTime();
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            long idleFor = now - connection.idleSince;
            if (idleFor < VALIDATE_AFTER_NANOS || idleFor < MAX_IDLE_NANOS && connection.stillOpen()) {
                return connection;
            }
            connection.close();
        }
        return connect(deadline);
    }

    private void release(Connection connection) {
        long now = System.nanoTime();
        connection.idleSince = now;
        idle.offerFirst(connection);
        // The least recently used one, if it aged out: a quiet client does not keep server connections for ever.
        Connection oldest = idle.peekLast();
        if (oldest != null && now - oldest.idleSince > MAX_IDLE_NANOS && idle.removeLastOccurrence(oldest)) {
            oldest.close();
        }
        if (closed) {
            drain();
        }
    }

    private Connection connect(long deadline) throws IOException {
        if (closed) {
            throw new NotSentException(new IOException("the client is closed"));
        }
        // A channel's socket, so that the check of an idle connection can read without blocking and without a timeout.
        SocketChannel channel = SocketChannel.open();
        Socket socket = channel.socket();
        try {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, Math.min(connectTimeoutMs, leftMs)));
            if (tls) {
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket,
                        host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // check the certificate's name
                secure.setSSLParameters(parameters);
                secure.setSoTimeout((int) Math.max(1, Math.min(connectTimeoutMs, leftMs)));
                secure.startHandshake();
                secure.setSoTimeout(0); // from here on calls are bounded by the deadline watch
                return new Connection(secure, socket, null);
            }
            return new Connection(socket, socket, channel);
        } catch (IOException e) {
            socket.close();
            throw new NotSentException(e);
        }
    }

    private void drain() {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }

    /** Closes the idle connections; those in use are closed when their call ends. */
    @Override
    public void close() {
        closed = true;
        drain();
        watch.close();
    }

    /** One connection, used by one thread at a time. */
    private final class Connection implements DeadlineWatch.Watched {
        private final Socket socket;
        /** The TCP socket under {@link #socket} (the same one without TLS): what the deadline watch closes. */
        private final Socket raw;
        /** The channel of a connection without TLS, or null. */
        private final SocketChannel plain;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        /** {@link System#nanoTime()} by which the current call must end; 0: none (an event stream, bounded by its reader). */
        volatile long deadline;
        /** Set by the deadline watch when it closed the socket because a call outlived its deadline. */
        volatile boolean expired;
        long idleSince;
        /** Whether the last answer left the connection fit for another call. */
        boolean reusable;

        Connection(Socket socket, Socket raw, SocketChannel plain) throws IOException {
            this.socket = socket;
            this.raw = raw;
            this.plain = plain;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            watch.add(this);
        }

        /** Bounds the call starting now by {@code deadline}. */
        void bound(long deadline) {
            this.deadline = deadline;
            watch.callStarted();
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public void expire(long deadline) {
            if (DEADLINE.compareAndSet(this, deadline, 0L)) {
                expired = true;
                try {
                    raw.close(); // a blocked read or write ends with an exception
                } catch (IOException ignored) {
                    // closing is all that was wanted
                }
            }
        }

        /** A failed write means the server did not get the whole request, so it cannot have acted on it. */
        void write(byte[] head, byte[] body) throws IOException {
            int length = body == null ? 0 : body.length;
            try {
                if (length == 0) {
                    out.write(head);
                } else if (length < ONE_WRITE) {
                    byte[] request = new byte[head.length + length];
                    System.arraycopy(head, 0, request, 0, head.length);
                    System.arraycopy(body, 0, request, head.length, length);
                    out.write(request); // one write, one segment
                } else {
                    out.write(head);
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                throw new NotSentException(e);
            }
        }

        /** Whether the server has not closed the connection while it was idle: a read of at most 1 ms. */
        boolean stillOpen() {
            if (plain != null) {
                // One non-blocking read, then blocking again: a timed read would leave the socket non-blocking for good.
                try {
                    plain.configureBlocking(false);
                    try {
                        return plain.read(ByteBuffer.wrap(buffer)) == 0; // -1 (closed) or bytes nobody asked for: not usable
                    } finally {
                        plain.configureBlocking(true);
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            try {
                socket.setSoTimeout(1);
                in.read(buffer, 0, buffer.length);
                return false; // an end (-1), or bytes nobody asked for: either way not usable
            } catch (SocketTimeoutException quiet) {
                try {
                    socket.setSoTimeout(0);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }

        /** An answer the server sent before the request's write failed, if one can still be read; else null. */
        Transport.Response earlyAnswer() {
            try {
                Transport.Response answer = readAnswer();
                reusable = false;
                return answer;
            } catch (IOException | RuntimeException none) {
                return null;
            }
        }

        Transport.Response readAnswer() throws IOException {
            Streamed head = readHead();
            return new Transport.Response(head.status(), head.headers(), head.body().readAllBytes());
        }

        /** The status line and headers (after any 1xx answer); the body as a stream framed as the headers say. */
        Streamed readHead() throws IOException {
            reusable = false;
            int status;
            boolean http11;
            List<Header> headers = new ArrayList<>(8);
            int[] headerBytes = {0};
            do {
                headers.clear();
                String statusLine = line(headerBytes);
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                    throw new IOException("not an HTTP/1.x answer: " + statusLine);
                }
                http11 = statusLine.charAt(7) != '0';
                status = (int) number(statusLine.substring(9, 12), 10);
                String line;
                while (!(line = line(headerBytes)).isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
                    }
                }
            } while (status >= 100 && status < 200 && status != 101);

            long length = -1;
            boolean chunked = false;
            String connection = null;
            for (Header header : headers) {
                if (header.is("Content-Length")) {
                    length = number(header.value(), 10);
                } else if (header.is("Transfer-Encoding")) {
                    chunked = header.value().toLowerCase(java.util.Locale.ROOT).endsWith("chunked");
                } else if (header.is("Connection")) {
                    connection = header.value().toLowerCase(java.util.Locale.ROOT);
                }
            }
            boolean keepAlive = http11 ? connection == null || !connection.contains("close")
                    : connection != null && connection.contains("keep-alive");
            InputStream body;
            if (status == 204 || status == 304) {
                body = new Sized(0, keepAlive); // no body, whatever the headers say
            } else if (chunked) {
                body = new Chunked(keepAlive);
            } else if (length >= 0) {
                body = new Sized(length, keepAlive);
            } else {
                body = new UntilClosed(); // the end of the body is the end of the connection
            }
            return new Streamed(status, List.copyOf(headers), body);
        }

        /** One line of the head, without its CRLF (ASCII: header values outside it are not the suite's). */
        private String line(int[] headerBytes) throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (position == limit && fill() < 0) {
                    throw new IOException("the connection ended before the answer did");
                }
                byte b = buffer[position++];
                if (++headerBytes[0] > MAX_HEADER_BYTES) {
                    throw new IOException("an answer's head over " + MAX_HEADER_BYTES + " bytes");
                }
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) (b & 0xff));
            }
        }

        /** Reads more into the buffer; a read past the call's deadline (the watch closed the socket) is a timeout. */
        private int fill() throws IOException {
            long bound = deadline;
            if (expired || bound != 0 && bound - System.nanoTime() <= 0) {
                throw new SocketTimeoutException("no answer in time");
            }
            int read;
            try {
                read = in.read(buffer, 0, buffer.length); // blocking; the deadline watch closes the socket at the deadline
            } catch (IOException e) {
                if (expired) {
                    throw new SocketTimeoutException("no answer in time");
                }
                throw e;
            }
            if (read < 0 && expired) {
                throw new SocketTimeoutException("no answer in time");
            }
            position = 0;
            limit = Math.max(read, 0);
            return read;
        }

        /** Up to {@code max} bytes of the body from the buffer (filled when empty); -1 at the connection's end. */
        private int readRaw(byte[] into, int offset, int max) throws IOException {
            if (position == limit && fill() < 0) {
                return -1;
            }
            int n = Math.min(max, limit - position);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        }

        void close() {
            watch.remove(this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }

        /**
         * A body's stream. Closing it closes the connection: only a stream handed to a caller ({@link #open}) is
         * closed, and such a connection is never pooled.
         */
        private abstract class Body extends InputStream {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public void close() {
                Connection.this.close();
            }
        }

        /** A body of Content-Length bytes. */
        private final class Sized extends Body {
            private long left;
            private final boolean keepAlive;

            Sized(long length, boolean keepAlive) {
                this.left = length;
                this.keepAlive = keepAlive;
                reusable = length == 0 && keepAlive;
            }

            @Override
            public int read(byte[] into, int offset, int max) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int n = readRaw(into, offset, (int) Math.min(max, left));
                if (n < 0) {
                    throw new IOException("the connection ended " + left + " bytes before the answer did");
                }
                left -= n;
                reusable = left == 0 && keepAlive;
                return n;
            }

            @Override
            public byte[] readAllBytes() throws IOException {
                if (left > Integer.MAX_VALUE - 8) {
                    throw new IOException("an answer of " + left + " bytes");
                }
                byte[] all = new byte[(int) left];
                int at = 0;
                while (at < all.length) {
                    at += read(all, at, all.length - at);
                }
                return all;
            }
        }

        /** A chunked body: hex size lines, chunks, a zero-size chunk and trailers. */
        private final class Chunked extends Body {
            private final boolean keepAlive;
            private long chunkLeft;
            private boolean ended;
            private final int[] lineBytes = {0};

            Chunked(boolean keepAlive) {
                this.keepAlive = keepAlive;
            }

            @Override
            public int read(byte[] into, int offset, int max) throws IOException {
                if (ended) {
                    return -1;
                }
                if (chunkLeft == 0) {
                    lineBytes[0] = 0;
                    String size = line(lineBytes);
                    int extension = size.indexOf(';');
                    chunkLeft = number((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                    if (chunkLeft == 0) {
                        while (!line(lineBytes).isEmpty()) {
                            // trailers: none the client needs
                        }
                        ended = true;
                        reusable = keepAlive;
                        return -1;
                    }
                }
                int n = readRaw(into, offset, (int) Math.min(max, chunkLeft));
                if (n < 0) {
                    throw new IOException("the connection ended within a chunk");
                }
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    lineBytes[0] = 0;
                    line(lineBytes); // the CRLF after the chunk
                }
                return n;
            }

            @Override
            public int available() {
                return (int) Math.min(chunkLeft, limit - position);
            }

            @Override
            public byte[] readAllBytes() throws IOException {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] part = new byte[8192];
                int n;
                while ((n = read(part, 0, part.length)) >= 0) {
                    all.write(part, 0, n);
                }
                return all.toByteArray();
            }
        }

        /** A body that lasts until the server closes the connection (HTTP/1.0 style). */
        private final class UntilClosed extends Body {
            @Override
            public int read(byte[] into, int offset, int max) throws IOException {
                return readRaw(into, offset, max);
            }
        }
    }

    private static long number(String text, int radix) throws IOException {
        try {
            return Long.parseLong(text, radix);
        } catch (NumberFormatException e) {
            throw new IOException("not a number in an answer's head: " + text);
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
