// Behaviour of forms and buttons, attached here instead of inline handlers (scripts come from this server only).
(function () {
  "use strict";

  // A Copy button copies the value of the field its data-copy names.
  function copy(button) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) return;
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = "Copied";
    });
  }

  // An event a subscription's version does not offer cannot be ticked (v2 has no unit.unpaired).
  function offerEvents(select) {
    const form = select.form;
    form.querySelectorAll("input[data-versions]").forEach((box) => {
      const offered = box.dataset.versions.split(" ").includes(select.value);
      box.disabled = !offered;
      if (!offered) box.checked = false;
      box.closest(".check").classList.toggle("unavailable", !offered);
    });
  }

  // Local date and time pickers: the browser knows its time zone, the server does not; send each
  // picker's offset at that date along (in the field its data-offset names, `tz_offset` unless told).
  function sendOffset(form) {
    form.querySelectorAll("input[type=datetime-local]").forEach((input) => {
      const offset = form.querySelector(`input[name="${input.dataset.offset || "tz_offset"}"]`);
      if (!offset) return;
      offset.value = input.value ? String(new Date(input.value).getTimezoneOffset()) : "";
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (button) copy(button);
    const back = event.target.closest("a[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-event-version]")) offerEvents(event.target);
  });
  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-as-of]")) sendOffset(event.target);
  });
  // A refused form is drawn again with its reason: bring the reason into view and give it the focus,
  // wherever the form sits on the page (a screen reader reads it at once, the typed values are kept).
  // Someone already in a field (typing while the page's scripts still loaded) keeps the focus: taking
  // it away there would send the rest of their typing nowhere, and the field would keep its old value.
  function focusError() {
    const error = document.querySelector("[data-focus-error]");
    if (!error) return;
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    error.scrollIntoView({ block: "center" });
    error.focus({ preventScroll: true });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-event-version]").forEach(offerEvents);
    focusError();
  });

  // The delivery log refreshes itself every 2 s, unless switched off or while the keyboard is inside it.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const live = event.detail.elt;
    if (!live || live.id !== "live") return;
    const box = document.getElementById("autorefresh");
    if ((box && !box.checked) || live.contains(document.activeElement)) event.preventDefault();
  });
})();
