/**
 * The pages seen this visit, oldest first, at most 50: recorded on each page
 * load and on single-page-app navigations (pushState, back/forward).
 */
import { updateState } from './visitor-state.js';

const MAX = 50;

function record() {
  const url = location.href;
  if (!/^https?:/.test(url)) return;
  updateState((s) => {
    if (s.journey[s.journey.length - 1]?.url !== url) {
      s.journey = [...s.journey, { url: url.slice(0, 2048), title: document.title.slice(0, 300), at: Date.now() }].slice(-MAX);
    }
  });
}

export function watchJourney() {
  record();
  const push = history.pushState;
  history.pushState = function (...args: Parameters<History['pushState']>) {
    push.apply(this, args);
    // The app sets the new title after pushing: record once it had the chance.
    setTimeout(record);
  };
  addEventListener('popstate', () => setTimeout(record));
}
