package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** One consensus-service node as a separate JVM, started from the test classpath with its settings in the environment. */
final class NodeProcess {

    final long id;
    final int httpPort;
    final int raftPort;
    final Path dataDir;
    final Path logFile;
    private final Map<String, String> environment;
    private Process process;

    NodeProcess(long id, int httpPort, int raftPort, Path dataDir, Path logFile, Map<String, String> environment) {
        this.id = id;
        this.httpPort = httpPort;
        this.raftPort = raftPort;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.environment = new java.util.HashMap<>(environment);
    }

    void environmentPut(String name, String value) {
        environment.put(name, value);
    }

    /**
     * A port nothing listens on, picked below the kernel's range for the local ports of outgoing connections where
     * there is room: a node binds its ports seconds after they are picked, and again after each restart, and a port
     * from that range can meanwhile become any outgoing connection's local port. In CI a node once failed to start
     * ("port 41997 ... already in use") and the process tests ran on without it. A port is handed out once per test
     * JVM: nothing listens on a picked port until its node starts, so a later pick could otherwise get it again (in CI
     * two nodes of one cluster once got 18669).
     */
    static int freePort() throws IOException {
        int below = ephemeralRangeStart();
        if (below > LOWEST_PICKED + 1000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST_PICKED, below);
                if (!HANDED_OUT.add(port)) {
                    continue;
                }
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(port));
                    return port;
                } catch (IOException taken) {
                    // another one
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        }
    }

    private static final int LOWEST_PICKED = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** The first port of the kernel's ephemeral range (Linux), or 0 where it cannot be read. */
    private static int ephemeralRangeStart() {
        try {
            // One line, "32768\t60999"; Files.readString returned only its first character from procfs (JDK 25).
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    void start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsun.misc.unsafe.memory.access=allow", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath, "com.distpatterns.consensus.ConsensusServiceApplication"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(httpPort));
        builder.environment().put("CONSENSUS_NODE_ID", Long.toString(id));
        builder.environment().put("CONSENSUS_RAFT_PORT", Integer.toString(raftPort));
        builder.environment().put("CONSENSUS_DATA_DIR", dataDir.toString());
        builder.environment().put("SPRING_PROFILES_ACTIVE", "fault-injection");
        builder.environment().put("EUREKA_CLIENT_ENABLED", "false");
        process = builder.start();
    }

    /** The JVM's process id, for jcmd. */
    long pid() {
        return process.pid();
    }

    /** The exit status once the process ended, or -1 while it runs. */
    int exitStatus() {
        return process != null && !process.isAlive() ? process.exitValue() : -1;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush; only what was fsynced survives. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    void killNow() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
