// Opens a page `modstack explore` wrote in Debian's chromium, headless, as a user would use it:
// search stack_user, click it, and expect stack_core among its dependencies, in the list and in
// the drawn graph. Usage: node explore-check.mjs PAGE.html SCREENSHOT.png
// Prints "ok" and exits 0, or prints what went wrong and exits 1.
import { chromium } from "playwright-core";

const [page_, shot] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  page.on("request", r => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) errors.push("fetched " + r.url()); });
  await page.goto("file://" + page_);
  await page.fill("#search", "stack_user");
  await page.click('#results li[data-name="stack_user"]');
  await page.waitForSelector('#depends a[data-name="stack_core"]', { timeout: 10000 });
  const drawn = await page.evaluate(() => document.querySelector("#graph canvas") !== null);
  const title = await page.textContent("#title");
  await page.screenshot({ path: shot, fullPage: false });
  if (errors.length || !drawn || title !== "stack_user") {
    console.log("failed: " + JSON.stringify({ errors, drawn, title }));
    process.exitCode = 1;
  } else {
    console.log("ok");
  }
} finally {
  await browser.close();
}
