/* The live bargaining room: one WebSocket, reconnection with resume, forms sent as frames.
   Without JavaScript (or while offline) the forms post normally. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || !window.WebSocket) return;
  var labels = JSON.parse(document.getElementById("room-labels").textContent);
  var caseId = root.dataset.case;
  var lastSeq = parseInt(root.dataset.lastSeq, 10) || 0;
  var seen = {};
  var pending = {}; // client_id -> {frame, form}
  var present = {};
  var socket = null;
  var ready = false;
  var delay = 1000;
  // Events that change which forms apply: the page offers a refresh instead of redrawing.
  var STRUCTURAL = ["round.opened", "round.closed", "case.suspended", "case.resumed",
    "case.agreed", "item.added", "item.reopened", "item.tentative", "representatives.changed",
    "request.answered"];
  var statusEl = document.getElementById("live-status");
  var logEl = document.getElementById("live-log");

  function setStatus(state) {
    statusEl.className = "muted " + state;
    statusEl.textContent = labels[state] || state;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function text(el, value) { if (el) el.textContent = value; }

  function logLine(frame, body) {
    var li = document.createElement("li");
    var when = frame.at ? new Date(frame.at) : new Date();
    var time = document.createElement("time");
    time.textContent = when.toLocaleTimeString();
    li.appendChild(time);
    if (frame.actor) {
      var who = document.createElement("strong");
      who.textContent = frame.actor.name + " ";
      li.appendChild(who);
    }
    li.appendChild(document.createTextNode(body));
    logEl.insertBefore(li, logEl.firstChild);
  }

  function gap(card) {
    var a = parseFloat(card.dataset.union), b = parseFloat(card.dataset.employer);
    if (isNaN(a) || isNaN(b)) return;
    text(card.querySelector(".pos-gap"), String(Math.round(Math.abs(a - b) * 100) / 100));
  }

  function onEvent(frame) {
    if (seen[frame.seq]) return;
    seen[frame.seq] = true;
    if (frame.seq > lastSeq) lastSeq = frame.seq;
    var card = frame.item ? document.getElementById("item-" + frame.item) : null;
    if (frame.kind === "offer" && card) {
      text(card.querySelector(".pos-" + frame.side), frame.display);
      card.dataset[frame.side] = typeof frame.value === "string" ? frame.value : "";
      gap(card);
      card.classList.toggle("breaks-floor", !!frame.breaks_floor);
      logLine(frame, (labels[frame.side] || frame.side) + " · " + card.dataset.title + ": " +
        frame.display + (frame.note ? " (" + frame.note + ")" : "") +
        (frame.breaks_floor ? " ⚠" : ""));
      return;
    }
    if (frame.kind === "chat") {
      var list = document.getElementById(frame.audience === "table" ? "chat-table" : "chat-caucus");
      if (list) {
        var li = document.createElement("li");
        var who = document.createElement("strong");
        who.textContent = (frame.actor ? frame.actor.name : "") + " ";
        li.appendChild(who);
        li.appendChild(document.createTextNode(frame.text));
        list.appendChild(li);
        list.scrollTop = list.scrollHeight;
      }
      return;
    }
    if (frame.kind === "item.tentative" && card) {
      var badge = card.querySelector(".item-status");
      if (badge) { badge.textContent = labels["item.tentative"]; badge.classList.add("badge-ok"); }
    }
    logLine(frame, labels[frame.kind] || frame.kind);
    if (STRUCTURAL.indexOf(frame.kind) >= 0) {
      var hint = document.getElementById("refresh-hint");
      if (hint) hint.hidden = false;
    }
  }

  function renderPresence() {
    var names = Object.keys(present).map(function (k) { return present[k]; });
    text(document.getElementById("presence"), names.length ? labels.present + " " + names.join("、") : "");
  }

  function send(frame) {
    if (socket && ready && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function showError(form, detail) {
    var note = form && form.querySelector(".form-error");
    if (form && !note) {
      note = document.createElement("p");
      note.className = "error form-error";
      note.setAttribute("role", "alert");
      form.appendChild(note);
    }
    if (note) note.textContent = detail; else window.alert(detail);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/bargaining/" + caseId + "/");
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "ready") {
        ready = true;
        delay = 1000;
        present = {};
        (frame.present || []).forEach(function (p) { present[p.user] = p.name; });
        renderPresence();
        setStatus("live");
        socket.send(JSON.stringify({ type: "resume", after: lastSeq }));
        // Commands sent before a drop are re-sent: the client_id makes them idempotent.
        Object.keys(pending).forEach(function (id) { socket.send(JSON.stringify(pending[id].frame)); });
      } else if (frame.type === "event") {
        onEvent(frame);
      } else if (frame.type === "ack") {
        var done = pending[frame.client_id];
        delete pending[frame.client_id];
        if (done && done.form) {
          done.form.reset();
          var err = done.form.querySelector(".form-error");
          if (err) err.textContent = "";
        }
      } else if (frame.type === "error") {
        var failed = frame.client_id && pending[frame.client_id];
        if (frame.client_id) delete pending[frame.client_id];
        showError(failed ? failed.form : null, frame.detail);
      } else if (frame.type === "presence") {
        if (frame.state === "joined") present[frame.user] = frame.name; else delete present[frame.user];
        renderPresence();
      }
    };
    socket.onclose = function (event) {
      ready = false;
      if (event.code === 4404 || event.code === 4401) { setStatus("offline"); return; }
      setStatus("reconnecting");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }

  function frameFor(form) {
    var kind = form.dataset.frame;
    var data = new FormData(form);
    var frame = { type: kind, client_id: uuid() };
    if (form.dataset.item) frame.item = parseInt(form.dataset.item, 10);
    if (kind === "offer.submit") {
      var raw = data.get("value");
      frame.value = raw === "true" ? true : raw === "false" ? false : raw;
      frame.note = data.get("note") || "";
    } else if (kind === "item.accept") {
      frame.override = data.get("override") || "";
    } else if (kind === "chat.send") {
      frame.room = data.get("room");
      frame.text = data.get("text");
    }
    return frame;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.frame) return;
    var frame = frameFor(form);
    if (send(frame)) {
      event.preventDefault();
      pending[frame.client_id] = { frame: frame, form: form };
    }
    // Otherwise the form posts normally.
  });

  setStatus("reconnecting");
  connect();
})();
