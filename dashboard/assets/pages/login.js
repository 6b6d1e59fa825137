import { logIn, session } from '../api.js';
import { h, notice, showFieldProblem } from '../ui.js';
import { navigate, showWho } from '../app.js';

export async function login({ query }) {
  const next = query.get('next') || '/';
  if (!session.authRequired || session.authenticated) {
    return [h('h1', {}, 'Logged in'), h('p', {}, session.authRequired ? `As ${session.name} (${session.role}).` : 'This silo needs no key yet.'), h('p', {}, h('a', { href: next }, 'Go on'))];
  }
  const message = notice();
  const form = h('form', {
    class: 'stack',
    onsubmit: async event => {
      event.preventDefault();
      try {
        await logIn(form.elements.key.value);
        showWho();
        navigate(next.startsWith('/') ? next : '/', true);
      } catch (error) {
        showFieldProblem(form, error, message);
      }
    },
  },
  h('label', {}, 'API key ', h('input', { name: 'key', type: 'password', autocomplete: 'current-password', required: true, size: 40 })),
  h('button', { type: 'submit' }, 'Log in'),
  message);
  return [h('h1', {}, 'Log in'), h('p', {}, 'This silo needs an API key. Ask an admin for one (orchestrator keys create --role viewer).'), form];
}
