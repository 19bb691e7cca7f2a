'use strict';
// Runs the dashboard's script, as the server serves it, under Node with just enough of a DOM for it,
// against the real server, at a fixed "now"; prints what the sessions and funnels panels show, then what
// they show once a refresh is refused. Usage: node dashboard-harness.js <server URL> <read key> <bad key> <now ms>
const vm = require('vm');
const [base, readKey, badKey, nowMillis] = process.argv.slice(2);

class Node {
  constructor(tag) {
    this.tag = tag;
    this.children = [];
    this.attributes = {};
    this.style = {};
    this.hidden = false;
    this.textContent = '';
    this.className = '';
  }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
  setAttribute(name, value) { this.attributes[name] = value; }
  addEventListener() {}
  querySelector(selector) { return this.child(selector); }
  child(selector) {
    this.selected ??= new Map();
    if (!this.selected.has(selector)) this.selected.set(selector, new Node(selector));
    return this.selected.get(selector);
  }
}

const storage = new Map([['eddyReadKey', readKey]]);
const pending = [];
const page = new Node('document');
// the page's own globals, apart from Node's: its timers, stubbed, would otherwise stop Node's fetch
const window = vm.createContext({
  document: {
    getElementById: id => page.child('#' + id),
    querySelector: selector => page.child(selector),
    createElement: tag => new Node(tag),
    createElementNS: (ns, tag) => new Node(tag),
  },
  localStorage: { getItem: k => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v) },
  location: { hash: '', pathname: '/' },
  history: { replaceState() {} },
  URLSearchParams,
  EventSource: class { addEventListener() {} close() {} },
  // each load is started by hand here, at the one "now"
  setInterval: () => 0,
  setTimeout: () => 0,
  // the body read before the page sees it, so that awaiting these settles every load but for microtasks
  fetch: (url, options) => {
    const answer = fetch(base + url, options).then(async r => {
      const body = await r.json();
      return { ok: r.ok, status: r.status, json: () => Promise.resolve(body) };
    });
    pending.push(answer);
    return answer;
  },
});
vm.runInContext('Date.now = () => ' + Number(nowMillis), window);

// until no load is left: an answer may start others (the funnels' list, one per funnel)
async function settled() {
  while (pending.length > 0) {
    await Promise.allSettled(pending.splice(0));
    await new Promise(resolve => setImmediate(resolve));
  }
}

function sessionsPanel() {
  const row = page.child('#sessions tbody').children[0];
  return {
    note: page.child('#sessionsNote').textContent,
    hidden: page.child('#sessions').hidden,
    figures: row ? row.children.slice(0, 5).map(cell => cell.textContent) : [],
    startedPerMinute: row ? row.children[5].children[0].children.map(bar => bar.children[0].textContent) : [],
  };
}

// per funnel its caption, and per step its name, sessions, share of the first and bar width
function funnelsPanel() {
  return {
    note: page.child('#funnelsNote').textContent,
    funnels: page.child('#funnels').children.map(table => ({
      caption: table.children[0].textContent,
      steps: table.children[2].children.map(tr =>
        [...tr.children.slice(0, 3).map(cell => cell.textContent), tr.children[3].children[0].style.width]),
    })),
  };
}

(async () => {
  const html = await (await fetch(base + '/')).text();
  vm.runInContext(html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>')), window);
  await settled();
  const shown = { sessions: sessionsPanel(), funnels: funnelsPanel() };
  storage.set('eddyReadKey', badKey);
  vm.runInContext('loadSessions(); loadFunnels()', window);
  await settled();
  const refused = { sessions: sessionsPanel(), funnels: funnelsPanel() };
  console.log(JSON.stringify({
    sessions: { shown: shown.sessions, refused: refused.sessions },
    funnels: { shown: shown.funnels, refused: refused.funnels },
  }));
})().catch(e => {
  console.error(e);
  process.exit(1);
});
