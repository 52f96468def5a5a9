// Times in the browser's local time (UTC stays in the title, shown on hover), and live countdowns.
// Loaded by every page; no inline script is needed (the pages allow scripts from this server only).
(function () {
  "use strict";

  const pad = (n) => String(n).padStart(2, "0");

  function zoneName(date) {
    const part = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName");
    return part ? part.value : "";
  }

  function localText(date) {
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    return `${day} ${time} ${zoneName(date)}`.trim();
  }

  const short = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;

  function zoneLabel() {
    const named = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    const offset = zoneName(new Date());
    return named && named !== offset ? `${named} (${offset})` : offset;
  }

  // Charts are drawn on the server in UTC; their axis labels and bar titles carry the instant.
  function localizeCharts(root) {
    root.querySelectorAll("svg.chart text[data-at]").forEach((element) => {
      const date = new Date(Number(element.dataset.at));
      element.textContent = element.dataset.format === "day"
        ? `${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
        : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    });
    root.querySelectorAll("svg.chart g[data-start]").forEach((group) => {
      const title = group.querySelector("title");
      if (!title) return;
      const rest = title.textContent.split(" UTC: ").slice(1).join(" UTC: ");
      if (!rest) return;
      const from = new Date(Number(group.dataset.start));
      const to = new Date(Number(group.dataset.end));
      title.textContent = `${short(from)} to ${short(to)} ${zoneName(from)}: ${rest}`;
    });
    root.querySelectorAll("[data-zone]").forEach((element) => {
      element.textContent = zoneLabel();
    });
  }

  function localize(root) {
    root.querySelectorAll("time[data-local]").forEach((element) => {
      const date = new Date(element.getAttribute("datetime"));
      if (!Number.isNaN(date.getTime())) element.textContent = localText(date);
    });
    localizeCharts(root);
  }

  // The same words as the server's `duration` filter, with seconds while under an hour.
  function left(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
    return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  // Counted on the server's clock: the page says what time it was there when it was rendered.
  const loadedAt = Date.now();
  const serverNow = Number(document.documentElement.dataset.now || loadedAt);

  function tick() {
    const now = serverNow + (Date.now() - loadedAt);
    document.querySelectorAll("[data-countdown-to]").forEach((element) => {
      const remaining = Number(element.dataset.countdownTo) - now;
      element.textContent = remaining > 0 ? `in ${left(remaining)}` : "due now";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    localize(document);
    tick();
    setInterval(tick, 1000);
  });
  // Parts of a page that htmx replaces (the live delivery log) get local times too.
  document.addEventListener("htmx:load", (event) => localize(event.detail.elt));
})();
