// The portal's few behaviours. Pages carry no inline script or style attribute (Content-Security-Policy,
// prm/settings.py): markup names the behaviour with a data- attribute, this file provides it.
"use strict";

// <select data-submit-on-change>: choosing an option submits its form (the language switch).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) {
    event.target.form.requestSubmit();
  }
});

// <div class="progress-bar" data-progress-percent="42">: its width, set through the CSSOM (which the policy
// allows), on the first load and on every piece of page that htmx swaps in (the live import progress).
htmx.onLoad((root) => {
  const bars = root.matches?.("[data-progress-percent]") ? [root] : [];
  bars.push(...root.querySelectorAll("[data-progress-percent]"));
  for (const bar of bars) {
    bar.style.width = `${bar.dataset.progressPercent}%`;
  }
});

// <input data-date-picker="Choose from a calendar"> (prm.forms.IsoDateInput): the box takes YYYY-MM-DD, as the tables
// and the API write dates; a button beside it opens the browser's own calendar (a native date input kept out of sight
// and out of the tab order) and writes the chosen day into the box in the same form. Without showPicker() the box
// stays as it is.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CALENDAR_ICON = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
  '<rect x="1.5" y="2.5" width="13" height="12" rx="1.5" fill="none" stroke="currentColor"/>' +
  '<path d="M1.5 6h13M5 1v3M11 1v3" stroke="currentColor"/></svg>';
htmx.onLoad((root) => {
  const boxes = root.matches?.("input[data-date-picker]") ? [root] : [];
  boxes.push(...root.querySelectorAll("input[data-date-picker]"));
  for (const box of boxes) {
    const picker = document.createElement("input");
    picker.type = "date";
    if (box.closest(".date-picker") || picker.type !== "date" || typeof picker.showPicker !== "function") {
      continue;
    }
    const label = box.dataset.datePicker;
    picker.className = "date-picker-native";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    picker.setAttribute("aria-label", label);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.title = label;
    button.setAttribute("aria-label", label);
    button.innerHTML = CALENDAR_ICON;
    const group = document.createElement("div");
    group.className = "input-group date-picker";
    box.before(group);
    group.append(box, picker, button);
    button.addEventListener("click", () => {
      picker.value = ISO_DATE.test(box.value.trim()) ? box.value.trim() : "";
      picker.showPicker();
    });
    picker.addEventListener("change", () => {
      if (picker.value) {
        box.value = picker.value;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
});
