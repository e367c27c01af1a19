package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.raft.Message.AppendEntries;
import com.distpatterns.consensus.raft.Message.AppendResponse;
import com.distpatterns.consensus.raft.Message.Heartbeat;
import com.distpatterns.consensus.raft.Message.HeartbeatResponse;
import com.distpatterns.consensus.raft.Message.InstallSnapshot;
import com.distpatterns.consensus.raft.Message.ReadIndexRequest;
import com.distpatterns.consensus.raft.Message.ReadIndexResponse;
import com.distpatterns.consensus.raft.Message.RequestVote;
import com.distpatterns.consensus.raft.Message.SnapshotResponse;
import com.distpatterns.consensus.raft.Message.TimeoutNow;
import com.distpatterns.consensus.raft.Message.VoteResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The engine's behaviour as transcripts, in the manner of etcd's raft {@code testdata/*.txt}: each file under
 * {@value #DIR} is a list of steps, a command and, under {@code ----}, the messages it caused (in delivery order)
 * and what it printed, driven through {@link ScriptedCluster}. A test fails when the engine's output differs from
 * the file. After an intended change of behaviour, regenerate the outputs and read the difference before
 * committing it:
 *
 * <pre>./mvnw -pl consensus-service -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=TranscriptTest -Draft.transcripts.rewrite=true</pre>
 *
 * <p>Commands: {@code cluster voters=3 [election=10] [heartbeat=1] [prevote=true] [checkquorum=true] [chunk=1048576]},
 * {@code campaign ID}, {@code tick ID [N]} (ticks a node N times, delivering after each), {@code tick-all N} (every
 * node, N rounds), {@code propose ID DATA}, {@code read ID CONTEXT}, {@code isolate ID}, {@code recover},
 * {@code join ID} (a server with an empty log), {@code add-learner|add-voter|remove LEADER ID},
 * {@code snapshot ID INDEX} (a snapshot at INDEX, the log compacted up to it), {@code status}.
 */
class TranscriptTest {

    static final String DIR = "src/test/resources/raft/transcripts";
    private static final String SEPARATOR = "----";

    @TestFactory
    Stream<DynamicTest> everyTranscriptReplaysAsWritten() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(DIR))) {
            files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).as("transcripts in " + DIR).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> replay(file)));
    }

    private static void replay(Path file) throws IOException {
        String written = Files.readString(file);
        String replayed = run(written);
        if (Boolean.getBoolean("raft.transcripts.rewrite")) {
            Files.writeString(file, replayed);
        } else {
            assertThat(replayed).as(file + " (regenerate with -Draft.transcripts.rewrite=true)").isEqualTo(written);
        }
    }

    /** Runs every command of a transcript and returns it with the outputs the engine gives now. */
    static String run(String transcript) {
        Session session = new Session();
        StringBuilder out = new StringBuilder();
        List<String> lines = transcript.lines().toList();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i++);
            if (line.isBlank() || line.startsWith("#")) {
                out.append(line).append('\n');
                continue;
            }
            out.append(line).append('\n').append(SEPARATOR).append('\n');
            if (i < lines.size() && lines.get(i).equals(SEPARATOR)) {
                i++;
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    i++; // the output written last time: replaced by the output now
                }
            }
            List<String> output = session.execute(line.trim());
            output.forEach(o -> out.append(o).append('\n'));
            if (output.isEmpty()) {
                out.append("ok\n");
            }
            if (i < lines.size() && !lines.get(i).isBlank()) {
                out.append('\n'); // an output ends at a blank line
            }
        }
        return out.toString();
    }

    /** One transcript's cluster and the commands on it. */
    private static final class Session {

        private ScriptedCluster cluster;

        List<String> execute(String command) {
            String[] words = command.split("\\s+");
            Map<String, String> options = options(words);
            int delivered = cluster == null ? 0 : cluster.delivered.size();
            List<String> printed = new ArrayList<>();
            switch (words[0]) {
                case "cluster" -> cluster = cluster(options);
                case "campaign" -> cluster.campaign(id(words, 1));
                case "tick" -> {
                    for (int n = words.length > 2 ? Integer.parseInt(words[2]) : 1; n > 0; n--) {
                        cluster.tick(id(words, 1), 1);
                        cluster.settle();
                    }
                }
                case "tick-all" -> {
                    for (int n = Integer.parseInt(words[1]); n > 0; n--) {
                        cluster.nodes.keySet().forEach(id -> cluster.tick(id, 1));
                        cluster.settle();
                    }
                }
                case "propose" -> printed.add(result(cluster.propose(id(words, 1), words[2])));
                case "read" -> {
                    long id = id(words, 1);
                    int served = cluster.reads.get(id).size();
                    boolean asked = cluster.node(id).readIndex(Long.parseLong(words[2]));
                    cluster.settle();
                    printed.add(asked ? "asked" : "refused");
                    cluster.reads.get(id).subList(served, cluster.reads.get(id).size())
                            .forEach(r -> printed
                                    .add("served on " + id + ": context " + r.context() + " at index " + r.index()));
                }
                case "isolate" -> cluster.isolate(id(words, 1));
                case "recover" -> cluster.recover();
                case "join" -> cluster.join(id(words, 1));
                case "add-learner" -> printed.add(change(id(words, 1), ConfChange.addLearner(id(words, 2))));
                case "add-voter" -> printed.add(change(id(words, 1), ConfChange.addVoter(id(words, 2))));
                case "remove" -> printed.add(change(id(words, 1), ConfChange.remove(id(words, 2))));
                case "snapshot" -> {
                    long id = id(words, 1);
                    long index = Long.parseLong(words[2]);
                    MemoryStorage storage = cluster.storages.get(id);
                    storage.createSnapshot(index, cluster.node(id).confState(),
                            ("image@" + index).getBytes(StandardCharsets.UTF_8));
                    storage.compact(index);
                }
                case "status" -> cluster.nodes.keySet().forEach(id -> printed.add(status(id)));
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
            List<String> output = new ArrayList<>();
            if (cluster != null) {
                cluster.delivered.subList(delivered, cluster.delivered.size()).forEach(m -> output.add(format(m)));
            }
            output.addAll(printed);
            return output;
        }

        private String change(long leader, ConfChange change) {
            ProposalResult result = cluster.node(leader).proposeConfChange(change);
            cluster.settle();
            return result(result);
        }

        private String status(long id) {
            Status s = cluster.node(id).status();
            String peers = s.peers().isEmpty() ? ""
                    : " progress " + s.peers().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue().match() + "/" + e.getValue().next() + " "
                                    + e.getValue().state())
                            .collect(Collectors.joining(", ", "[", "]"));
            return id + ": " + s.role().name().toLowerCase() + " term=" + s.term() + " vote=" + s.vote() + " lead="
                    + s.leaderId() + " commit=" + s.commit() + " applied=" + s.applied() + " last=" + s.lastIndex()
                    + " first=" + cluster.storages.get(id).firstIndex() + " voters=" + s.confState().voters()
                    + " learners=" + s.confState().learners() + (cluster.reachable(id) ? "" : " (cut off)") + peers;
        }

        private static ScriptedCluster cluster(Map<String, String> o) {
            int election = Integer.parseInt(o.getOrDefault("election", "10"));
            int heartbeat = Integer.parseInt(o.getOrDefault("heartbeat", "1"));
            boolean preVote = Boolean.parseBoolean(o.getOrDefault("prevote", "true"));
            boolean checkQuorum = Boolean.parseBoolean(o.getOrDefault("checkquorum", "true"));
            int chunk = Integer.parseInt(o.getOrDefault("chunk", String.valueOf(1 << 20)));
            return new ScriptedCluster(Integer.parseInt(o.get("voters")), id -> RaftConfig.defaults(id)
                    .withTicks(election, heartbeat).withPreVote(preVote).withCheckQuorum(checkQuorum)
                    .withSnapshotChunkBytes(chunk));
        }

        private static Map<String, String> options(String[] words) {
            Map<String, String> options = new HashMap<>();
            for (String word : words) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    options.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return options;
        }

        private static long id(String[] words, int at) {
            return Long.parseLong(words[at]);
        }
    }

    private static String result(ProposalResult result) {
        return switch (result) {
            case ProposalResult.Accepted a -> "accepted at " + a.firstIndex()
                    + (a.lastIndex() == a.firstIndex() ? "" : "-" + a.lastIndex()) + " in term " + a.term();
            case ProposalResult.Rejected r -> "rejected: " + r.reason() + ", leader " + r.leaderHint();
        };
    }

    /** One line per message: sender, receiver, kind and the fields that matter, entries as index@term. */
    static String format(Message m) {
        String head = m.from() + "->" + m.to() + " ";
        return head + switch (m) {
            case RequestVote v -> (v.preVote() ? "PreVote" : "Vote") + " term=" + v.term() + " last=" + v.lastLogIndex()
                    + "@" + v.lastLogTerm() + (v.leadershipTransfer() ? " transfer" : "");
            case VoteResponse v -> (v.preVote() ? "PreVoteResp" : "VoteResp") + " term=" + v.term()
                    + (v.granted() ? " granted" : " rejected");
            case AppendEntries a -> "App term=" + a.term() + " prev=" + a.prevLogIndex() + "@" + a.prevLogTerm()
                    + " commit=" + a.leaderCommit() + " entries=" + a.entries().stream().map(TranscriptTest::entry)
                            .collect(Collectors.joining(", ", "[", "]"));
            case AppendResponse a -> "AppResp term=" + a.term() + (a.rejected()
                    ? " rejected index=" + a.index() + " hint=" + a.hintIndex() + "@" + a.hintTerm()
                    : " index=" + a.index());
            case Heartbeat h -> "Heartbeat term=" + h.term() + " commit=" + h.commit() + " round=" + h.readRound();
            case HeartbeatResponse h -> "HeartbeatResp term=" + h.term() + " round=" + h.readRound();
            case InstallSnapshot s -> "Snapshot term=" + s.term() + " index=" + s.metadata().index() + "@"
                    + s.metadata().term() + " voters=" + s.metadata().confState().voters() + " learners="
                    + s.metadata().confState().learners() + " offset=" + s.offset() + " bytes=" + s.chunk().length
                    + (s.last() ? " last" : "");
            case SnapshotResponse s -> "SnapshotResp term=" + s.term() + " index=" + s.snapshotIndex() + " next="
                    + s.nextOffset();
            case TimeoutNow t -> "TimeoutNow term=" + t.term();
            case ReadIndexRequest r -> "ReadIndex term=" + r.term() + " context=" + r.context();
            case ReadIndexResponse r -> "ReadIndexResp term=" + r.term() + " context=" + r.context() + " index="
                    + r.index();
        };
    }

    private static String entry(Entry e) {
        String at = e.index() + "@" + e.term();
        return switch (e.type()) {
            case NORMAL ->
                e.data().length == 0 ? at + " empty" : at + " \"" + new String(e.data(), StandardCharsets.UTF_8) + "\"";
            case CONF_CHANGE -> at + " " + ConfChange.fromBytes(e.data());
        };
    }
}
