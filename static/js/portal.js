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
