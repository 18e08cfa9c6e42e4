// The inspector page: a live list of events, filters, an event's checks and request, actions, and a diff.
import { el, visible, jsonTree, flatten, diffMaps, diffLines, shellQuote } from "/assets/view.js";

const $ = (id) => document.getElementById(id);
const state = { csrf: "", events: [], selected: -1, paused: false, missed: 0, next: null, marked: null, open: null };

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (options.method && options.method !== "GET") headers["X-Hookctl-Csrf"] = state.csrf;
  const response = await fetch(path, { ...options, headers, credentials: "same-origin" });
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error((body && body.error) || `HTTP ${response.status}`);
  return body;
}

function query(before) {
  const params = new URLSearchParams();
  for (const name of ["q", "provider", "type", "verdict"]) {
    const value = $(name).value.trim();
    if (value) params.set(name, value);
  }
  for (const name of ["since", "until"]) {
    const value = $(name).value;
    if (value) params.set(name, String(new Date(value).getTime()));
  }
  if (before) params.set("before", String(before));
  return params;
}

function filtering() {
  return [...query().keys()].length > 0;
}

async function load(append = false) {
  try {
    const page = await api("/api/events?" + query(append ? state.next : null));
    state.events = append ? state.events.concat(page.events) : page.events;
    state.next = page.next;
    if (!append) { state.selected = state.events.length ? 0 : -1; state.missed = 0; }
    render();
  } catch (error) {
    notice("Could not load the events: " + error.message);
  }
}

function notice(text, action) {
  const box = $("notice");
  box.replaceChildren(el("span", { text }), action || "");
  box.hidden = !text;
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

function signatureCell(record) {
  const { verdict, detail } = record.signature;
  if (verdict === "valid") return el("td", { class: "ok", text: "✓" });
  if (verdict === "unsigned") return el("td", { class: "warn", text: "! unsigned" });
  if (verdict === "unchecked") return el("td", { class: "dim", text: "– not checked" });
  if (verdict === "no-provider") return el("td", { class: "dim", text: "– no provider" });
  return el("td", { class: "fail", title: visible(detail), text: "✗ " + visible(detail || verdict) });
}

function schemaCell(record) {
  const { status, detail } = record.payload;
  if (status === "valid") return el("td", { class: "ok", text: "✓" });
  const failed = ["invalid", "not-json", "bad-form"].includes(status);
  return el("td", { class: failed ? "fail" : "warn", title: visible(detail), text: (failed ? "✗ " : "! ") + visible(detail || status) });
}

function row(record, index) {
  const app = record.forward_status == null ? "" : `${record.forward_status} in ${Number(record.forward_ms).toFixed(1)} ms`;
  const classes = [index === state.selected ? "selected" : "", state.marked === record.id ? "marked" : ""].join(" ");
  return el("tr", { class: classes, "data-id": record.id, onclick: () => { state.selected = index; render(); open(record.id); } },
    el("td", { class: "dim", title: new Date(record.received_at).toISOString(), text: time(record.received_at) }),
    el("td", { text: visible(record.provider || "?") }),
    el("td", { text: visible(record.event || "") }),
    el("td", { class: "mono", text: visible(record.event_id || "") }),
    signatureCell(record),
    schemaCell(record),
    el("td", { class: "warn", text: record.duplicate ? "dup" : "" }),
    el("td", { class: record.answer_status < 300 ? "ok" : "fail", text: record.answer_status }),
    el("td", { class: "dim", text: app }));
}

function render() {
  $("rows").replaceChildren(...state.events.map(row));
  $("empty").hidden = state.events.length > 0;
  $("more").hidden = !state.next;
  const selected = $("rows").children[state.selected];
  if (selected) selected.scrollIntoView({ block: "nearest" });
}

function setStatus(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = "status " + kind;
}

function live() {
  const source = new EventSource("/api/live");
  source.addEventListener("open", () => setStatus(state.paused ? "paused" : "live", state.paused ? "warn" : "ok"));
  source.addEventListener("error", () => setStatus("reconnecting…", "fail"));
  source.addEventListener("event", (message) => {
    const record = JSON.parse(message.data);
    if (state.paused || filtering()) {
      state.missed++;
      notice(`${state.missed} new event${state.missed > 1 ? "s" : ""}`, el("button", { type: "button", text: "Show", onclick: () => { resume(); load(); } }));
      return;
    }
    if (state.events.some((e) => e.id === record.id)) return;
    state.events.unshift(record);
    if (state.selected >= 0) state.selected++;
    if (state.selected < 0) state.selected = 0;
    render();
  });
  // The page fell behind the live stream: what it missed is fetched again.
  source.addEventListener("reload", () => { if (!state.paused) load(); });
}

function resume() {
  state.paused = false;
  $("pause").textContent = "Pause";
  setStatus("live", "ok");
  notice("");
}

function togglePause() {
  if (state.paused) { resume(); if (state.missed) load(); return; }
  state.paused = true;
  $("pause").textContent = "Resume";
  setStatus("paused", "warn");
}

function section(title, ...children) {
  return el("section", { class: "part" }, el("h3", { text: title }), ...children);
}

function headerValue(value) {
  return typeof value === "string" ? value : "(base64) " + value.base64;
}

function bodyText(request) {
  if (typeof request.body === "string") return request.body;
  if (request.body_base64) return atob(request.body_base64);
  return "";
}

function checksPart(event) {
  const check = event.check;
  if (!check) return section("Checks", el("p", { class: "dim", text: "No known provider: nothing to check." }));
  const verdictClass = check.valid ? "ok" : check.verdict === "unchecked" ? "dim" : "fail";
  const items = [el("p", { class: "verdict " + verdictClass, text: `${check.valid ? "✓" : "✗"} ${visible(check.summary)}` })];
  const list = el("ul", { class: "checks" });
  for (const c of check.checks || []) {
    const mark = c.status === "pass" ? "✓" : c.status === "fail" ? "✗" : "–";
    list.append(el("li", { class: c.status === "pass" ? "ok" : c.status === "fail" ? "fail" : "dim" }, `${mark} ${visible(c.name)}: `, el("span", { text: visible(c.detail || "") })));
  }
  items.push(list);
  if (check.diagnosis && check.diagnosis.length) {
    items.push(el("h4", { text: "Diagnosis" }));
    items.push(el("ul", { class: "diagnosis" }, check.diagnosis.map((d) => el("li", { text: visible(typeof d === "string" ? d : (d.message || JSON.stringify(d))) }))));
  }
  if (check.ruled_out && check.ruled_out.length) {
    items.push(el("details", {}, el("summary", { text: `Ruled out (${check.ruled_out.length})` }), el("ul", {}, check.ruled_out.map((r) => el("li", { class: "dim", text: visible(r) })))));
  }
  for (const note of check.notes || []) items.push(el("p", { class: "warn", text: "Note: " + visible(typeof note === "string" ? note : JSON.stringify(note)) }));
  const payload = event.payload;
  items.push(el("p", { class: payload.status === "valid" ? "ok" : "fail", text: `Schema: ${visible(payload.status)} — ${visible(payload.detail)}` }));
  return section("Checks", ...items);
}

function curlCommand(event, to) {
  const request = event.request;
  const url = (to || "http://127.0.0.1:8787").replace(/\/$/, "") + request.target;
  const parts = ["curl", "-X", request.method, shellQuote(url)];
  for (const [name, value] of request.headers) {
    if (["host", "content-length"].includes(name.toLowerCase())) continue;
    parts.push("-H", shellQuote(`${name}: ${headerValue(value)}`));
  }
  parts.push("--data-binary", shellQuote(bodyText(request)));
  return parts.join(" ");
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    prompt("Copy:", text);
  }
}

function answerPart(answer) {
  if (answer.error) return el("div", { class: "answer fail", text: "No answer: " + visible(answer.error) });
  return el("div", { class: "answer" },
    el("p", { class: answer.status < 300 ? "ok" : "fail", text: `${answer.status} from ${visible(answer.url)} in ${answer.latency_ms} ms` }),
    el("pre", { class: "mono", text: visible(answer.body || "") }));
}

function actionsPart(event) {
  const to = el("input", { type: "text", id: "replay-to", placeholder: "URL or port to replay to", value: state.replayTo || "" });
  const verbatim = el("input", { type: "checkbox", id: "verbatim" });
  const result = el("div", { id: "replay-result" });
  const replay = async (body) => {
    state.replayTo = to.value;
    result.replaceChildren(el("p", { class: "dim", text: "sending…" }));
    try {
      const answer = await api(`/api/events/${event.id}/replay`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ to: to.value, verbatim: verbatim.checked, body }),
      });
      result.replaceChildren(answerPart(answer));
    } catch (error) {
      result.replaceChildren(el("p", { class: "fail", text: visible(error.message) }));
    }
  };
  const editor = el("textarea", { id: "edit-body", spellcheck: "false", rows: 10 });
  editor.value = bodyText(event.request);
  const copyCurl = el("button", { type: "button", text: "Copy as curl", onclick: () => copy(curlCommand(event, to.value), copyCurl) });
  const copyReplay = el("button", {
    type: "button", text: "Copy hookctl replay",
    onclick: () => copy(`hookctl replay ${event.id} --to ${shellQuote(to.value || "URL")}${verbatim.checked ? " --verbatim" : ""}`, copyReplay),
  });
  const downloads = ["raw", "har", "jsonl"].map((format) =>
    el("a", { class: "button", href: `/api/events/${event.id}/download/${format}`, download: `event-${event.id}.${format === "raw" ? "http" : format}`, text: format === "raw" ? "raw HTTP" : format.toUpperCase() }));
  const remove = el("button", {
    type: "button", class: "danger", text: "Delete",
    onclick: async () => {
      if (!confirm(`Delete event #${event.id}?`)) return;
      try {
        await api(`/api/events/${event.id}`, { method: "DELETE" });
        state.events = state.events.filter((e) => e.id !== event.id);
        state.selected = Math.min(state.selected, state.events.length - 1);
        closeDetail();
        render();
      } catch (error) { notice("Delete failed: " + error.message); }
    },
  });
  const mark = el("button", { type: "button", text: state.marked ? `Diff with #${state.marked}` : "Mark for diff", onclick: () => markForDiff(event.id) });
  return section("Actions",
    el("div", { class: "row" }, to, el("label", {}, verbatim, " verbatim"), el("button", { type: "button", id: "replay", text: "Replay", onclick: () => replay(null) })),
    result,
    el("details", {}, el("summary", { text: "Edit the body and resend (re-signed)" }), editor,
      el("button", { type: "button", id: "resend", text: "Resend edited", onclick: () => replay(editor.value) })),
    el("div", { class: "row" }, copyCurl, copyReplay, ...downloads, mark, remove));
}

function bodyPart(request) {
  const text = bodyText(request);
  let tree = null;
  try { tree = jsonTree(JSON.parse(text)); } catch { /* not JSON: shown as text */ }
  return section("Body", tree ? el("div", { class: "tree mono" }, tree) : el("pre", { class: "mono", text: visible(text) }));
}

async function open(id) {
  state.open = id;
  const detail = $("detail");
  detail.hidden = false;
  detail.replaceChildren(el("p", { class: "dim", text: "loading…" }));
  let event;
  try { event = await api(`/api/events/${id}`); } catch (error) {
    detail.replaceChildren(el("p", { class: "fail", text: visible(error.message) }));
    return;
  }
  if (state.open !== id) return;
  const request = event.request;
  const headers = el("table", { class: "headers mono" }, request.headers.map(([name, value]) =>
    el("tr", {}, el("th", { text: visible(name) }), el("td", { text: visible(headerValue(value)) }))));
  detail.replaceChildren(
    el("div", { class: "title" },
      el("h2", { text: `#${event.id} ${visible(event.event || "(no event type)")}` }),
      el("button", { type: "button", class: "close", text: "×", title: "Close (esc)", onclick: closeDetail })),
    el("p", { class: "dim", text: `${new Date(event.received_at).toISOString()} · ${visible(event.provider || "no provider")} · ${visible(event.event_id || "")} · answered ${event.answer_status}${event.forward_status != null ? ` · app ${event.forward_status} in ${event.forward_ms} ms` : ""}` }),
    checksPart(event),
    actionsPart(event),
    section("Headers", el("p", { class: "mono" }, `${visible(request.method)} ${visible(request.target)}`), headers),
    bodyPart(request),
    el("details", { class: "part" }, el("summary", { text: "Raw request" }), el("pre", { class: "mono", text: visible(event.raw) })),
    section("Answer sent", el("p", { text: `${event.answer_status}${event.duplicate ? " (duplicate of an earlier delivery)" : ""}` })));
}

function closeDetail() {
  state.open = null;
  $("detail").hidden = true;
}

async function markForDiff(id) {
  if (state.marked === null || state.marked === id) {
    state.marked = state.marked === id ? null : id;
    render();
    notice(state.marked ? `#${id} marked: open another event and press d (or “Diff with”)` : "");
    return;
  }
  const [left, right] = await Promise.all([api(`/api/events/${state.marked}`), api(`/api/events/${id}`)]);
  state.marked = null;
  render();
  notice("");
  showDiff(left, right);
}

function showDiff(left, right) {
  const headerMap = (event) => new Map(event.request.headers.map(([n, v]) => [n.toLowerCase(), headerValue(v)]));
  const table = (rows) => el("table", { class: "diff mono" }, rows.map(([kind, name, a, b]) =>
    el("tr", { class: kind }, el("td", { text: { same: " ", changed: "~", removed: "−", added: "+" }[kind] }),
      el("th", { text: visible(name) }), el("td", { text: visible(a) }), el("td", { text: visible(b) }))));
  let body;
  try {
    body = table(diffMaps(flatten(JSON.parse(bodyText(left.request))), flatten(JSON.parse(bodyText(right.request)))).filter((r) => r[0] !== "same"));
  } catch {
    body = el("pre", { class: "mono" }, diffLines(bodyText(left.request), bodyText(right.request)).map(([kind, line]) =>
      el("div", { class: kind, text: ({ same: "  ", removed: "− ", added: "+ " })[kind] + visible(line) })));
  }
  const detail = $("detail");
  detail.hidden = false;
  state.open = null;
  detail.replaceChildren(
    el("div", { class: "title" }, el("h2", { text: `Diff #${left.id} → #${right.id}` }),
      el("button", { type: "button", class: "close", text: "×", onclick: closeDetail })),
    section("Headers", table(diffMaps(headerMap(left), headerMap(right)).filter((r) => r[0] !== "same"))),
    section("Body (JSON paths that differ)", body));
}

function keyboard(event) {
  if (event.target.closest("input, textarea, select")) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  const count = state.events.length;
  if (event.key === "j" && count) { state.selected = Math.min(count - 1, state.selected + 1); render(); }
  else if (event.key === "k" && count) { state.selected = Math.max(0, state.selected - 1); render(); }
  else if (event.key === "Enter" && state.events[state.selected]) open(state.events[state.selected].id);
  else if (event.key === "/") { event.preventDefault(); $("q").focus(); }
  else if (event.key === "p") togglePause();
  else if (event.key === "d" && state.events[state.selected]) markForDiff(state.events[state.selected].id);
  else if (event.key === "Escape") closeDetail();
}

async function start() {
  try { state.csrf = (await api("/api/session")).csrf; } catch (error) { notice(error.message); }
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  $("clear").addEventListener("click", () => { $("filters").reset(); load(); });
  $("pause").addEventListener("click", togglePause);
  $("more").addEventListener("click", () => load(true));
  document.addEventListener("keydown", keyboard);
  await load();
  live();
}

start();
