import { chromium } from '@playwright/test';
const [,, src, y, h, out, w = '360'] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--allow-file-access-from-files'] });
const p = await b.newPage({ viewport: { width: Number(w), height: Number(h) } });
await p.goto('file:///tmp/');
await p.setContent(`<body style="margin:0"><img src="file://${src}" style="display:block;position:absolute;top:-${y}px;left:0"></body>`);
await p.waitForTimeout(300);
await p.screenshot({ path: out });
await b.close();
