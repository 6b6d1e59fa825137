// The dashboard's shell: finds the page for the address, keeps the session, and moves between pages without reloads.
import { loadSession, logOut, session, ApiError } from './api.js';
import { h, fill } from './ui.js';
import { overview } from './pages/overview.js';
import { runList, runDetail } from './pages/runs.js';
import { workflowList, workflowDetail } from './pages/workflows.js';
import { loopList, loopDetail, queueDetail } from './pages/loops.js';
import { scheduleList, scheduleDetail } from './pages/schedules.js';
import { errorList, errorDetail } from './pages/errors.js';
import { login } from './pages/login.js';

const routes = [
  [/^\/$/, overview],
  [/^\/login$/, login],
  [/^\/runs$/, runList],
  [/^\/runs\/([^/]+)$/, runDetail],
  [/^\/workflows$/, workflowList],
  [/^\/workflows\/([^/]+)$/, workflowDetail],
  [/^\/loops$/, loopList],
  [/^\/loops\/([^/]+)$/, loopDetail],
  [/^\/queues\/([^/]+)$/, queueDetail],
  [/^\/schedules$/, scheduleList],
  [/^\/schedules\/([^/]+)$/, scheduleDetail],
  [/^\/errors$/, errorList],
  [/^\/errors\/([^/]+)$/, errorDetail],
];

let leave = () => {};

/** Tells the header how the page's live connection is. */
export function connection(status) {
  const element = document.getElementById('connection');
  const text = { live: 'live', reconnecting: 'connection lost — reconnecting…', closed: '' }[status] ?? status;
  element.textContent = text;
  element.className = `connection ${status}`;
}

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

async function render() {
  leave();
  leave = () => {};
  connection('closed');
  const main = document.getElementById('page');
  const path = location.pathname;
  if (session.authRequired && !session.authenticated && path !== '/login') {
    navigate(`/login?next=${encodeURIComponent(path + location.search)}`, true);
    return;
  }

  const match = routes.map(([pattern, page]) => [path.match(pattern), page]).find(([m]) => m);
  document.querySelectorAll('header nav a').forEach(a => a.toggleAttribute('aria-current', a.getAttribute('href') !== '/' && path.startsWith(a.getAttribute('href'))));
  fill(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (!match) {
      fill(main, h('h1', {}, 'Not found'), h('p', {}, `No page at ${path}.`));
      return;
    }
    const [found, page] = match;
    const params = found.slice(1).map(decodeURIComponent);
    const content = await page({ params, query: new URLSearchParams(location.search), onLeave: f => { leave = f; } });
    fill(main, ...[content].flat());
    main.focus({ preventScroll: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.authenticated = false;
      navigate(`/login?next=${encodeURIComponent(path + location.search)}`, true);
      return;
    }
    fill(main, h('h1', {}, 'Could not load this page'), h('p', { class: 'notice bad' }, error.message));
  }
}

export function showWho() {
  const who = document.getElementById('who');
  if (!session.authenticated) {
    fill(who, session.authRequired ? h('a', { href: '/login' }, 'Log in') : h('span', { class: 'muted' }, 'no keys configured'));
    return;
  }
  fill(who, 
    h('span', {}, `${session.name} (${session.role})`), ' ',
    h('button', { type: 'button', class: 'link', onclick: async () => { await logOut(); await loadSession(); showWho(); navigate('/login'); } }, 'Log out'));
}

document.addEventListener('click', event => {
  const anchor = event.target.closest('a');
  if (!anchor || anchor.hasAttribute('data-external') || anchor.target || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/dashboard')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

await loadSession();
showWho();
render();
