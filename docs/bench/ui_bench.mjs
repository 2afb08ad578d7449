// Web UI speed on a running appliance (issue 5): for each page, loaded afresh
// in headless Chromium, the first contentful paint, the time until its data is
// on screen, and the bytes transferred (compressed) for the whole page.
// Also saves a phone-width (390 px) screenshot of the dashboard.
//
//   npm install --prefix ~/.cache/chatledger-bench playwright-core@1
//   NODE_PATH=~/.cache/chatledger-bench/node_modules node docs/bench/ui_bench.mjs \
//       http://127.0.0.1:8080 admin PASSWORD [runs]
//
// Uses Debian's /usr/bin/chromium (CHROMIUM=... for another). JSON on stdout.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [base, user, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const pages = [
  ['overview', '#/overview', '[data-kpi="kpi.new"] .value'],
  ['teams', '#/teams', '#scorecard tbody tr'],
  ['conversations', '#/conversations', '#view a[href^="#/c/"]'],
  ['transcript', '#/c/demo-000042', '#figures'],
  ['search', '#/search?q=%E9%80%80%E6%AC%BE', '#total'],
  ['admin', '#/admin', '#audit tr'],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const r = await context.request.post(base + '/api/v1/auth/signin', { data: { username: user, password } });
if (!r.ok()) throw new Error('sign-in failed: ' + r.status());

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const out = {};
for (const [name, route, ready] of pages) {
  const fcp = [], content = [], bytes = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    // A cold cache each time: what a first visit costs.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; });
    await cdp.send('Network.enable');
    await page.goto(base + '/' + route);
    await page.waitForSelector(ready, { timeout: 30000 });
    const t = await page.evaluate(() => ({
      fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
      content: performance.now(),
    }));
    await page.waitForLoadState('networkidle');
    fcp.push(t.fcp); content.push(t.content); bytes.push(transferred);
    if (name === 'overview' && i === 0) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: 'overview-phone.png', fullPage: true });
    }
    await page.close();
  }
  out[name] = { runs, fcp_ms: Math.round(median(fcp)), content_ms: Math.round(median(content)), transfer_kb: Math.round(median(bytes) / 1024) };
  console.error(name, JSON.stringify(out[name]));
}
console.log(JSON.stringify(out, null, 2));
await browser.close();
