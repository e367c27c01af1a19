// The console: reads one aggregated stream (/api/console/stream) and, on demand, the events stream; plain DOM, no
// framework, no build step. Streams are read with fetch rather than EventSource because EventSource cannot send the
// X-API-Key header (and a key in the URL would end up in logs). Text from the suite is set with textContent only.
"use strict";

const KEY_STORAGE = "console.apiKey";
const $ = (selector) => document.querySelector(selector);
let snapshotAbort = null;
let tailAbort = null;
let tailAwaitingKey = null; // the pattern of a tail stopped by a missing or refused key: tailed again once one is entered
let lastLeader; // the leader in the previous snapshot: a node id, null for none, undefined before the first
let lastKnownLeader = null; // the last leader there was, across snapshots without one
let lastCaches = new Map();
let lastLocks = null; // name -> lock, as the previous snapshot listed them; null until the first

/** A 401: the key sent ("" for none) was missing or refused. */
class AuthError extends Error {
  constructor(message, key) { super(message); this.key = key; }
}

function apiKey() { return sessionStorage.getItem(KEY_STORAGE) || ""; }

function setStatus(state, text) {
  const status = $("#status");
  status.dataset.state = state;
  status.textContent = text;
}

/**
 * Reads a Server-Sent Events response with fetch, calling onEvent(type, data, id) for each event, and onBytes() once
 * the response is accepted and again for whatever arrives after it, heartbeat comments included.
 */
async function readEvents(url, onEvent, signal, onBytes) {
  const headers = { "Accept": "text/event-stream" };
  const key = apiKey();
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(url, { headers, signal, cache: "no-store" });
  if (response.status === 401) throw new AuthError("the gateway needs a valid API key", key);
  if (!response.ok) throw new Error("HTTP " + response.status);
  onBytes();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onBytes();
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message", id = null;
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") type = text;
        else if (field === "data") data.push(text);
        else if (field === "id") id = text;
      }
      if (data.length) onEvent(type, data.join("\n"), id);
    }
  }
}

function showKeyPrompt(message) {
  $("#data").hidden = true;
  clearData();
  $("#key-form").hidden = false;
  $("#key-error").textContent = message || "";
  setStatus("auth", "API key needed");
  $("#api-key").focus();
}

/**
 * Keeps one Server-Sent Events stream open until `abort` fires. A connection can die without a word (a laptop that
 * slept, a network that changed) and would otherwise look live for good, so one that sends nothing for silence.ms is
 * given up; one that breaks, ends or falls silent is opened again a second later. Calls onOpen(first) when a
 * connection is accepted, onEvent(type, data, id) for each event and onDown(reason) when the connection is lost. A 401
 * stops it, unless onAuth(error) returns true: then it tries again at once.
 */
async function keepReading(url, abort, silence, { onOpen = () => {}, onEvent, onDown, onAuth }) {
  let connections = 0;
  while (!abort.signal.aborted) {
    const connection = new AbortController();
    const close = () => connection.abort();
    abort.signal.addEventListener("abort", close, { once: true });
    let timer, open = false, reason;
    const expectMore = () => {
      clearTimeout(timer);
      timer = setTimeout(() => connection.abort(new Error(silence.reason)), silence.ms);
    };
    const onBytes = () => {
      expectMore();
      if (!open) onOpen(++connections === 1);
      open = true;
    };
    try {
      expectMore();
      await readEvents(url, onEvent, connection.signal, onBytes);
      reason = "the stream ended";
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof AuthError) {
        if (onAuth(e)) continue;
        return;
      }
      reason = e && e.message ? e.message : String(e);
    } finally {
      clearTimeout(timer);
      abort.signal.removeEventListener("abort", close);
    }
    if (abort.signal.aborted) return;
    onDown(reason);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The suite's stream sends a snapshot each second and nothing else; this long without one, it is taken for dead. */
const SILENCE_MS = 5000;

/** Keeps the suite's stream open; stops for good on a missing or refused key, and asks for one. */
function watchSuite() {
  if (snapshotAbort) snapshotAbort.abort();
  const abort = new AbortController();
  snapshotAbort = abort;
  setStatus("connecting", "connecting…");
  return keepReading("/api/console/stream", abort, { ms: SILENCE_MS, reason: "no snapshot for " + SILENCE_MS / 1000 + " s" }, {
    onEvent: (type, data) => {
      if (type !== "snapshot") return;
      $("#key-form").hidden = true;
      $("#data").hidden = false;
      render(JSON.parse(data));
      setStatus("live", "live · " + new Date().toLocaleTimeString());
    },
    onDown: (reason) => setStatus("error", "disconnected (" + reason + "), retrying"),
    onAuth: (e) => {
      // A key stored while the refused request was under way is tried, not thrown away with the refused one.
      if (apiKey() !== e.key) return true;
      sessionStorage.removeItem(KEY_STORAGE);
      showKeyPrompt(e.key ? "That key was refused; enter a key accepted by this gateway." : "");
      return false;
    },
  });
}

function clearData() {
  document.querySelectorAll("#data tbody, #batches, #tail, #leader-changes, #lock-changes").forEach((node) => node.replaceChildren());
  lastLocks = null;
  lastLeader = undefined;
  lastKnownLeader = null;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "–" : String(text);
  if (className) td.className = className;
  return td;
}

function fillTable(selector, rows) {
  $(selector + " tbody").replaceChildren(...rows);
}

function row(cells, attributes) {
  const tr = document.createElement("tr");
  tr.append(...cells);
  for (const [name, value] of Object.entries(attributes || {})) tr.setAttribute(name, value);
  return tr;
}

function errorRow(selector, message, columns) {
  const td = cell("not answering: " + message, "bad");
  td.colSpan = columns;
  fillTable(selector, [row([td], { "data-error": "true" })]);
}

function render(snapshot) {
  renderInstances(snapshot.instances || []);
  renderConsensus(snapshot.consensus || []);
  renderLocks(snapshot.locks || {});
  renderTasks(snapshot.tasks || {});
  renderSubscriptions(snapshot.subscriptions || {});
  renderCaches(snapshot.caches || {}, snapshot.at);
}

function renderInstances(instances) {
  fillTable("#instances", instances.map((instance) => {
    const up = instance.health === "UP";
    const health = up ? "up" : instance.health === "UNREACHABLE" ? "unreachable: " + instance.error : instance.health.toLowerCase();
    return row([cell(instance.service), cell(instance.uri), cell(health, up ? "ok" : "bad"), cell(instance.routed ? "yes" : "no")],
      { "data-service": instance.service, "data-health": instance.health, class: up ? "" : "row-bad" });
  }));
}

function renderConsensus(nodes) {
  // The nodes' /status says "leader", "follower", …; the page compares one spelling.
  nodes.forEach((node) => { if (node.view && node.view.role) node.view.role = String(node.view.role).toUpperCase(); });
  const reachable = nodes.filter((node) => node.reachable);
  const leaders = reachable.filter((node) => node.view.role === "LEADER");
  const leader = leaders.length ? leaders.reduce((a, b) => (a.view.term >= b.view.term ? a : b)) : null;
  fillTable("#consensus", nodes.map((node) => {
    if (!node.reachable) {
      const id = node.nodeId ? "node " + node.nodeId : node.uri;
      return row([cell(id), cell("unreachable", "bad"), cell("–"), cell("–"), cell("–"), cell("–"), cell("–"), cell("–"), cell("–"), cell("–"), cell(node.error)],
        { "data-node": node.nodeId || node.uri, "data-reachable": "false", class: "row-bad" });
    }
    const view = node.view;
    const lag = leader ? Math.max(0, leader.view.commitIndex - view.lastApplied) : null;
    const members = (view.members || []).map((m) => m.id + (m.voter === false ? " (learner)" : "")).join(", ");
    return row([cell("node " + view.nodeId), cell("reachable", "ok"), cell(view.role.toLowerCase(), view.role === "LEADER" ? "ok" : ""),
      cell(view.term, "num"), cell(view.leaderId > 0 ? "node " + view.leaderId : "none", view.leaderId > 0 ? "" : "warn"),
      cell(view.commitIndex, "num"), cell(view.lastApplied, "num"), cell(lag, lag > 100 ? "num warn" : "num"), cell(members),
      cell(view.revision, "num"), cell(bytes(view.storeBytes), "num")],
      { "data-node": view.nodeId, "data-role": view.role, "data-reachable": "true" });
  }));
  const down = nodes.length - reachable.length;
  $("#consensus-summary").textContent = (leader ? "Leader: node " + leader.view.nodeId + ", term " + leader.view.term : "No leader")
    + " · " + reachable.length + " of " + nodes.length + " nodes reachable" + (down ? " · " + down + " unreachable" : "");
  $("#consensus-summary").className = leader && !down ? "" : "bad";
  const leaderId = leader ? leader.view.nodeId : null;
  if (lastLeader !== undefined && leaderId !== lastLeader) {
    // A new leader is listed as following the last one there was, even with snapshots without a leader between.
    const from = leaderId === null ? lastLeader : lastKnownLeader;
    const item = document.createElement("li");
    item.textContent = new Date().toLocaleTimeString() + ": " + (leaderId === null
      ? "leader node " + from + " lost, no leader"
      : "leader " + (from ? "node " + from : "none") + " → node " + leaderId + " (term " + leader.view.term + ")");
    item.dataset.from = String(from);
    item.dataset.to = String(leaderId);
    $("#leader-changes").prepend(item);
  }
  if (leaderId !== null) lastKnownLeader = leaderId;
  lastLeader = leaderId;
}

function renderLocks(locks) {
  if (locks.error) { errorRow("#locks", locks.error, 5); $("#locks-empty").hidden = true; return; }
  const list = locks.locks || [];
  fillTable("#locks", list.map((lock) => row([cell(lock.name), cell(lock.owner), cell(lock.fencingToken, "num token"),
    cell((lock.ttlMs / 1000).toFixed(1) + " s", "num"), cell(lock.waiters, lock.waiters > 0 ? "num warn" : "num")],
    { "data-lock": lock.name, "data-token": lock.fencingToken })));
  $("#locks-empty").hidden = list.length > 0;
  noteLockChanges(list);
}

/**
 * Grants and ends as they happen, from the difference between two snapshots: a lock that appears (or comes back with
 * a new fencing token) was granted; one that goes was released, or expired when its time was nearly up. A lock
 * granted and ended between two snapshots (under a second) is not seen.
 */
function noteLockChanges(list) {
  const now = new Map(list.map((lock) => [lock.name, lock]));
  if (lastLocks !== null) {
    for (const lock of list) {
      const before = lastLocks.get(lock.name);
      if (!before || before.fencingToken !== lock.fencingToken) {
        lockChange(lock.name, "granted", "granted to " + lock.owner + ", token " + lock.fencingToken, lock.fencingToken);
      }
    }
    for (const [name, before] of lastLocks) {
      if (now.has(name)) continue;
      const expired = before.ttlMs <= 1500; // it had at most about one snapshot's interval left
      lockChange(name, expired ? "expired" : "released", (expired ? "expired" : "released") + " by " + before.owner
        + ", token " + before.fencingToken, before.fencingToken);
    }
  }
  lastLocks = now;
}

function lockChange(name, kind, text, token) {
  const item = document.createElement("li");
  item.textContent = new Date().toLocaleTimeString() + ": " + name + " " + text;
  item.dataset.lock = name;
  item.dataset.change = kind;
  item.dataset.token = String(token);
  $("#lock-changes").prepend(item);
  while ($("#lock-changes").children.length > 50) $("#lock-changes").lastElementChild.remove();
}

const STATUSES = ["PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"];

function renderTasks(tasks) {
  if (tasks.error) { errorRow("#task-types", tasks.error, 9); return; }
  $("#tasks-note").textContent = "Counts among the " + tasks.examined + " newest tasks; rates over the last "
    + (tasks.rateWindowSeconds || 10) + " s. A failed task is out of retries: its message waits in the dead-letter queue.";
  const rate = (type, status) => ((type.perSecond || {})[status] || 0).toFixed(1);
  fillTable("#task-types", (tasks.types || []).map((type) => row([cell(type.type),
    ...STATUSES.map((status) => cell(type.counts[status] || 0, status === "FAILURE" && type.counts[status] ? "num bad" : "num")),
    cell(rate(type, "SUCCESS"), "num rate-success"), cell(rate(type, "FAILURE"), rate(type, "FAILURE") > 0 ? "num bad rate-failure" : "num rate-failure")],
    { "data-type": type.type })));
  $("#batches").replaceChildren(...(tasks.batches || []).map((batch) => {
    const done = batch.succeeded + batch.failed;
    const percent = batch.total ? Math.floor((100 * done) / batch.total) : 100;
    const box = document.createElement("div");
    box.className = "batch";
    box.dataset.batch = batch.id;
    box.dataset.percent = String(percent);
    const label = document.createElement("span");
    label.textContent = batch.id.slice(0, 8) + "… " + batch.status.toLowerCase();
    const bar = document.createElement("progress");
    bar.max = batch.total;
    bar.value = done;
    bar.setAttribute("aria-label", "batch " + batch.id);
    const text = document.createElement("span");
    text.className = "pct" + (batch.failed ? " bad" : percent === 100 ? " ok" : "");
    text.textContent = percent + " % (" + done + "/" + batch.total + (batch.failed ? ", " + batch.failed + " failed" : "") + ")";
    box.append(label, bar, text);
    return box;
  }));
  fillTable("#recent-tasks", (tasks.recent || []).map((task) => row([cell(task.id.slice(0, 8) + "…"), cell(task.type),
    cell(task.status.toLowerCase(), task.status === "FAILURE" ? "bad" : task.status === "SUCCESS" ? "ok" : ""),
    cell(task.attempts, "num"), cell(task.error)])));
}

function renderSubscriptions(subscriptions) {
  if (subscriptions.error) { errorRow("#subscriptions", subscriptions.error, 6); return; }
  fillTable("#subscriptions", (subscriptions.subscriptions || []).map((s) => row([cell(s.name), cell(s.pattern),
    cell(s.delivered, "num"), cell(s.pending, "num"), cell(s.deadLettered, s.deadLettered ? "num bad" : "num"),
    cell(s.lastError ? s.lastError.error + " (" + new Date(s.lastError.at).toLocaleTimeString() + ")" : "none",
      s.lastError ? "warn" : "")],
    { "data-subscription": s.name })));
}

function renderCaches(caches, at) {
  if (caches.error) { errorRow("#caches", caches.error, 7); return; }
  const now = Date.parse(at);
  const seen = new Map();
  fillTable("#caches", (caches.caches || []).map((c) => {
    const before = lastCaches.get(c.name);
    const seconds = before ? (now - before.at) / 1000 : 0;
    const rate = (field) => (seconds > 0 ? ((c[field] - before[field]) / seconds).toFixed(1) : "–");
    seen.set(c.name, { at: now, hits: c.hits, misses: c.misses });
    return row([cell(c.name), cell(c.entries, "num"), cell((100 * c.hitRatio).toFixed(1) + " %", "num"), cell(c.hits, "num"),
      cell(c.misses, "num"), cell(rate("hits"), "num"), cell(rate("misses"), "num")], { "data-cache": c.name });
  }));
  lastCaches = seen;
}

function bytes(n) {
  if (n === undefined || n === null) return null;
  return n < 1024 * 1024 ? (n / 1024).toFixed(1) + " KiB" : (n / 1024 / 1024).toFixed(1) + " MiB";
}

/** The events stream sends a heartbeat comment every 15 s (event-service's default); this long without a byte, it is taken for dead. */
const TAIL_SILENCE_MS = 40000;

/**
 * Tails the events matching the pattern, newest first, until another pattern is tailed, through the stream's breaks
 * (event-service restarted, or it cut off a reader that fell behind). The stream is live only: what was published
 * while disconnected is not replayed, so a reconnection is marked in the list.
 */
function tail(pattern) {
  if (tailAbort) tailAbort.abort();
  const abort = new AbortController();
  tailAbort = abort;
  tailAwaitingKey = null;
  const status = $("#tail-status");
  const show = (state, text) => { status.dataset.state = state; status.textContent = text; };
  $("#tail").replaceChildren();
  show("connecting", "connecting to " + pattern + "…");
  return keepReading("/api/events/stream?pattern=" + encodeURIComponent(pattern), abort,
    { ms: TAIL_SILENCE_MS, reason: "nothing for " + TAIL_SILENCE_MS / 1000 + " s" }, {
      onOpen: (first) => {
        if (!first) addTailItem(null, null, "reconnected at " + new Date().toLocaleTimeString() + "; events published while disconnected are not shown");
        show("live", "tailing " + pattern);
      },
      onEvent: (type, data, id) => {
        let envelope = {};
        try { envelope = JSON.parse(data); } catch (e) { envelope = { data }; }
        addTailItem(type, id, (envelope.time || "") + "  " + type + "  " + JSON.stringify(envelope.data).slice(0, 200));
      },
      onDown: (reason) => show("error", "disconnected (" + reason + "), retrying"),
      onAuth: (e) => {
        if (apiKey() !== e.key) return true;
        tailAwaitingKey = pattern;
        show("auth", "API key needed");
        return false;
      },
    });
}

/** Adds an event on top of the tail, or with a null type, a mark where the tail reconnected. */
function addTailItem(type, id, text) {
  const item = document.createElement("li");
  if (type === null) {
    item.className = "gap";
  } else {
    item.dataset.type = type;
    item.dataset.id = id || "";
  }
  item.textContent = text;
  const list = $("#tail");
  list.prepend(item);
  while (list.children.length > 100) list.lastElementChild.remove();
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $("#api-key").value.trim());
  $("#api-key").value = "";
  watchSuite();
  if (tailAwaitingKey !== null) tail(tailAwaitingKey);
});

$("#tail-form").addEventListener("submit", (event) => {
  event.preventDefault();
  tail($("#tail-pattern").value.trim() || "#");
});

watchSuite();
