/* Tauride pages: live updates, alerts, keyboard shortcuts, timers, downloads.
   Loaded as a file (the content security policy allows no inline script). */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  /* Refused requests: the server answers with an alert; show it where screen readers hear it. */
  document.addEventListener("htmx:responseError", function (event) {
    var box = $("#alerts");
    if (!box) { return; }
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") === 0) {
      box.innerHTML = xhr.responseText;
    } else {
      box.textContent = xhr.status + " " + xhr.statusText;
    }
  });
  document.addEventListener("htmx:sendError", function () { showOffline(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      var box = $("#alerts");
      if (box && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") { box.innerHTML = ""; }
    }
  });
  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest ? event.target.closest("[data-dismiss]") : null;
    if (dismiss) {
      var alert = dismiss.closest(".alert");
      if (alert) { alert.remove(); }
    }
  });

  /* Live updates: every act journaled in the organization arrives as an event whose id is
     the journal height. The page's parts listen for "tauride:changed" and reload
     themselves. After a lost connection the page resyncs; the server replays from the
     last height it saw. */
  var lastHeight = null;
  var offline = false;

  function showOffline(lost) {
    var banner = $("#offline");
    offline = lost;
    if (banner) { banner.hidden = !lost; }
  }

  function changed(detail) {
    heard.changes += 1;
    if (window.htmx) { window.htmx.trigger(document.body, "tauride:changed", detail || {}); }
    attend(detail || {});
  }

  /* A live part replaces itself (outerHTML). An event heard while its request is under
     way is queued by htmx on the element being replaced, and htmx drops the requests of
     elements no longer in the page: the part would stay at the state before that act. So
     each request notes how many events had been heard when it left, and a part whose new
     copy left before the latest event it listens to asks again. */
  var heard = { changes: 0, ballots: 0 };

  function listening(elt) {
    var trigger = (elt && elt.getAttribute && elt.getAttribute("hx-trigger")) || "";
    return { changes: trigger.indexOf("tauride:changed") >= 0, ballots: trigger.indexOf("tauride:ballot") >= 0 };
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var ears = listening(elt);
    if (ears.changes || ears.ballots) { elt.taurideHeard = { changes: heard.changes, ballots: heard.ballots }; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var config = event.detail.requestConfig;
    var elt = config && config.elt;
    var before = elt && elt.taurideHeard;
    if (!before || !elt.id || document.body.contains(elt) || !window.htmx) { return; }
    var now = document.getElementById(elt.id);
    var ears = listening(now);
    var missed = (ears.changes && heard.changes > before.changes) || (ears.ballots && heard.ballots > before.ballots);
    if (now && missed) {
      window.htmx.ajax("get", now.getAttribute("hx-get"), { source: now, target: now, swap: "outerHTML" });
    }
  });

  /* A part marked data-attention="poll.opened" comes into view when that act happens (a
     vote opens while the delegate reads further down), unless they are typing. */
  var attention = null;

  function attend(detail) {
    if (!detail.kind) { return; }
    var active = document.activeElement;
    if (active && active.closest && active.closest("input, textarea, select")) { return; }
    if ($('[data-attention~="' + detail.kind + '"]')) { attention = detail.kind; }
  }

  /* Scroll once the part has reloaded: its new height must not push it out of view. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var part = event.target;
    if (!attention || !part || !part.matches || !part.matches('[data-attention~="' + attention + '"]')) { return; }
    attention = null;
    part.scrollIntoView({ block: "start" });
  });

  function connect(url, delay) {
    var target = url;
    if (lastHeight !== null) {
      target += (url.indexOf("?") < 0 ? "?" : "&") + "last_event_id=" + encodeURIComponent(lastHeight);
    }
    var source = new EventSource(target);
    source.addEventListener("open", function () {
      if (offline) { showOffline(false); changed({ resync: true }); }
      delay = 1000;
    });
    source.addEventListener("journal", function (event) {
      lastHeight = event.lastEventId || lastHeight;
      var detail = {};
      try { detail = JSON.parse(event.data); } catch (e) { detail = {}; }
      document.body.setAttribute("data-height", lastHeight || "");
      changed(detail);
    });
    /* The height the stream starts from (no act in it): a reconnect resumes there. */
    source.addEventListener("head", function (event) { lastHeight = event.lastEventId || lastHeight; });
    /* A ballot was cast (not journaled: nothing says who or how). Only the parts that
       count ballots listen ("tauride:ballot"): the rest of the page, a voter's buttons
       among them, stays still while hundreds vote. */
    source.addEventListener("ballot", function (event) {
      heard.ballots += 1;
      var detail = {};
      try { detail = JSON.parse(event.data); } catch (e) { detail = {}; }
      if (window.htmx) { window.htmx.trigger(document.body, "tauride:ballot", detail); }
    });
    source.addEventListener("error", function () {
      showOffline(true);
      if (source.readyState === EventSource.CLOSED) {
        /* The browser gave up (the server answered with an error): try again later. */
        window.setTimeout(function () { connect(url, Math.min(delay * 2, 15000)); }, delay);
      }
    });
  }

  /* Keyboard shortcuts: any element with data-key="x" is clicked by pressing x (not while
     typing). "?" opens the list of shortcuts. */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
    if (event.key === "?") {
      var help = $("#shortcuts");
      if (help && help.showModal) { event.preventDefault(); help.showModal(); }
      return;
    }
    var control = $('[data-key="' + (event.key.length === 1 ? event.key.toLowerCase() : event.key) + '"]:not([disabled])');
    if (control) {
      event.preventDefault();
      control.focus();
      control.click();
    }
  });

  /* Timers: data-deadline (ISO instant) counts down, data-since counts up. */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    all("[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-deadline")) - now) / 1000);
      var sign = left < 0 ? "−" : "";
      var s = Math.abs(left);
      el.textContent = sign + Math.floor(s / 60) + ":" + pad(s % 60);
      el.classList.toggle("overtime", left < 0);
    });
    all("[data-since]").forEach(function (el) {
      var s = Math.max(0, Math.round((now - Date.parse(el.getAttribute("data-since"))) / 1000));
      el.textContent = Math.floor(s / 60) + ":" + pad(s % 60);
    });
  }

  /* Downloads of text the page already shows (a ballot receipt). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-download]") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-download"));
    if (!source) { return; }
    var blob = new Blob([source.textContent.trim() + "\n"], { type: "text/plain;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = button.getAttribute("data-filename") || "receipt.txt";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  /* Open a dialog from a button that names it (data-open-dialog="shortcuts"). */
  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-open-dialog]") : null;
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal) { dialog.showModal(); }
    }
  });

  /* Close a dialog from a button inside it. */
  document.addEventListener("click", function (event) {
    var closer = event.target.closest ? event.target.closest("[data-close-dialog]") : null;
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) { dialog.close(); }
    }
  });

  /* Print buttons. */
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var url = document.body.getAttribute("data-live");
    if (url && window.EventSource) { connect(url, 1000); }
    tick();
    window.setInterval(tick, 1000);
  });
})();
