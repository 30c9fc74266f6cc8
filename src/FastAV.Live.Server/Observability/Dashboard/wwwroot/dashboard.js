// FastAV.Live dashboard: draws the server's state (dashboard/api/state once, then dashboard/api/events as
// server-sent events). Every value from the server goes in through textContent or SVG attributes, never as HTML:
// stream ids, labels and answers are client data.
(function () {
  "use strict";
  const streamsEl = document.getElementById("streams");
  const emptyEl = document.getElementById("empty");
  const connectionEl = document.getElementById("connection");

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function bytes(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(2) + " GiB";
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
    return n + " B";
  }

  function seconds(s) {
    return s < 120 ? s.toFixed(1) + " s" : (s / 60).toFixed(1) + " min";
  }

  function fact(value, name, cls) {
    const f = el("div", "fact" + (cls ? " " + cls : ""));
    f.appendChild(el("b", null, value));
    f.appendChild(el("span", null, name));
    return f;
  }

  // KV bytes per prefilled window as a polyline; the budget as a dashed line when known.
  function kvChart(samples, budget) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 500 70");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("data-kv-points", String(samples.length));
    const top = Math.max(budget, ...samples.map(s => s.bytes), 1);
    if (budget > 0) {
      const line = document.createElementNS(ns, "line");
      const y = 68 - 64 * budget / top;
      line.setAttribute("x1", "0"); line.setAttribute("x2", "500");
      line.setAttribute("y1", String(y)); line.setAttribute("y2", String(y));
      svg.appendChild(line);
    }
    if (samples.length > 0) {
      const t0 = samples[0].atUnixMs, span = Math.max(samples[samples.length - 1].atUnixMs - t0, 1);
      const points = samples.map(s => {
        const x = samples.length === 1 ? 250 : 500 * (s.atUnixMs - t0) / span;
        return x.toFixed(1) + "," + (68 - 64 * s.bytes / top).toFixed(1);
      });
      const poly = document.createElementNS(ns, "polyline");
      poly.setAttribute("points", points.join(" "));
      svg.appendChild(poly);
    }
    return svg;
  }

  function answersTable(answers) {
    const table = el("table", "answers");
    const head = el("tr");
    ["time", "question", "answer", "latency", ""].forEach((h, i) => head.appendChild(el("th", i === 3 ? "num" : null, h)));
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    for (const a of answers) {
      const row = el("tr", "answer");
      row.setAttribute("data-question-id", a.questionId);
      row.appendChild(el("td", "muted", new Date(a.atUnixMs).toLocaleTimeString()));
      row.appendChild(el("td", null, a.questionId));
      row.appendChild(el("td", "answer-text", a.text));
      row.appendChild(el("td", "num latency", a.latencyMs.toFixed(1) + " ms"));
      row.appendChild(el("td", "muted", a.standing ? "standing" : "asked"));
      body.appendChild(row);
    }
    table.appendChild(body);
    return table;
  }

  function streamCard(s) {
    const card = el("section", "stream");
    card.setAttribute("data-stream-id", s.id);
    card.setAttribute("data-state", s.state);
    card.appendChild(el("h2", null, s.id));
    const labels = el("div", "labels");
    for (const [k, v] of Object.entries(s.labels)) labels.appendChild(el("span", "label", k + "=" + v));
    // A server without a tenants file has one tenant, "default": named only where there are several.
    if (s.tenant !== "default") labels.appendChild(el("span", "label tenant", "tenant " + s.tenant));
    if (s.state === "detached") labels.appendChild(el("span", "label detached", "detached: waiting for its camera to resume"));
    labels.appendChild(el("span", "muted", "pruning " + s.policy + " · " + s.peer));
    card.appendChild(labels);

    const facts = el("div", "facts");
    facts.appendChild(fact(seconds(s.mediaSeconds), "media time"));
    facts.appendChild(fact(String(s.videoFrames), "video frames"));
    facts.appendChild(fact(String(s.audioChunks), "audio chunks"));
    facts.appendChild(fact(String(s.mediaRejected), "rejected"));
    facts.appendChild(fact(String(s.windowsPrefilled), "windows prefilled", "prefilled"));
    facts.appendChild(fact(String(s.windowsDropped), "windows dropped", s.windowsDropped > 0 ? "dropped" : "dropped-none"));
    facts.appendChild(fact((100 * s.tokensKeptRatio).toFixed(1) + " %", "tokens kept", "tokens-kept"));
    facts.appendChild(fact(seconds(s.uptimeSeconds), "connected"));
    card.appendChild(facts);

    const kv = el("div", "kv");
    const usage = s.kvBudgetBytes > 0 ? s.kvBytes / s.kvBudgetBytes : 0;
    kv.appendChild(el("div", "muted kv-text", "KV cache " + bytes(s.kvBytes) + (s.kvBudgetBytes > 0 ? " of " + bytes(s.kvBudgetBytes) + " (" + (100 * usage).toFixed(0) + " %)" : "")));
    const bar = el("div", "bar");
    const fill = el("div");
    fill.style.width = (100 * Math.min(usage, 1)).toFixed(1) + "%";
    bar.appendChild(fill);
    kv.appendChild(bar);
    kv.appendChild(kvChart(s.kv, s.kvBudgetBytes));
    card.appendChild(kv);

    card.appendChild(el("div", "muted", s.answers.length === 0 ? "no answers yet" : "latest answers (" + s.answersSent + " sent)"));
    if (s.answers.length > 0) card.appendChild(answersTable(s.answers));
    return card;
  }

  function draw(state) {
    document.getElementById("model").textContent = state.model ? "model " + state.model : "no model (ingest only)";
    const readiness = document.getElementById("readiness");
    readiness.textContent = state.readiness;
    readiness.className = "badge " + (state.readiness === "ready" ? "ok" : "bad");
    const t = state.totals;
    document.getElementById("totals").textContent =
      "since start: " + t.videoAccepted + " frames, " + t.audioAccepted + " audio chunks, " + (t.videoRejected + t.audioRejected) + " rejected";
    emptyEl.hidden = state.streams.length > 0;
    streamsEl.replaceChildren(...state.streams.map(streamCard));
    document.body.setAttribute("data-updated", String(state.atUnixMs));
  }

  function connected(live) {
    connectionEl.textContent = live ? "live" : "reconnecting";
    connectionEl.className = "badge " + (live ? "ok" : "bad");
  }

  fetch("dashboard/api/state").then(r => r.json()).then(draw).catch(() => connected(false));
  const events = new EventSource("dashboard/api/events");
  events.addEventListener("state", e => { connected(true); draw(JSON.parse(e.data)); });
  events.onerror = () => connected(false);
})();
