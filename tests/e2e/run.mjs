// End-to-end tests of the browser UI: a real `drux serve` with a real llama-server, tiny
// generated GGUF models and recorded (replay) answers, driven in real headless Chromium.
//
//   node tests/e2e/run.mjs --drux PATH --llama-server PATH --gguf-py DIR [--web-dist DIR]
//
// (or DRUX_BINARY, DRUX_LLAMA_SERVER, DRUX_GGUF_PY, DRUX_WEB_DIST). A screenshot of a full
// result page is saved to $DRUX_E2E_ARTIFACTS (default build/e2e-artifacts/result.png; a
// path not ending in .png is a directory that gets result.png).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Stack, makeTinyModel, startDruxServe, startLlamaServer, writeFixtures } from "./stack.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function option(name, envName) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? process.argv[at + 1] : process.env[envName];
  return value && !value.endsWith("-NOTFOUND") ? value : "";
}

function screenshotPath(artifacts) {
  return path.resolve(artifacts.endsWith(".png") ? artifacts : path.join(artifacts, "result.png"));
}

const config = {
  drux: option("drux", "DRUX_BINARY"),
  llamaServer: option("llama-server", "DRUX_LLAMA_SERVER"),
  ggufPy: option("gguf-py", "DRUX_GGUF_PY"),
  webDist: option("web-dist", "DRUX_WEB_DIST") || path.join(repo, "web/dist"),
  // A .png path is the screenshot's; any other path is a directory to put result.png in.
  screenshot: screenshotPath(process.env.DRUX_E2E_ARTIFACTS || path.join(repo, "build/e2e-artifacts/result.png")),
};

// Missing prerequisites stop the suite with what to do, before anything starts.
function requirePrerequisites() {
  const problems = [];
  if (!existsSync(path.join(config.webDist, "index.html"))) {
    problems.push(`web/dist is missing (no index.html in ${config.webDist}): run scripts/build-web`);
  }
  if (!config.drux || !existsSync(config.drux)) problems.push(`the drux binary is missing ('${config.drux}'): build the drux target`);
  if (!config.llamaServer || !existsSync(config.llamaServer)) {
    problems.push(`llama-server is missing ('${config.llamaServer}'): run scripts/bootstrap`);
  }
  if (!config.ggufPy || !existsSync(config.ggufPy)) problems.push(`llama.cpp's gguf-py is missing ('${config.ggufPy}'): run scripts/bootstrap`);
  if (!existsSync("/usr/bin/chromium")) problems.push("/usr/bin/chromium is missing: apt-get install chromium");
  let chromium = null;
  try {
    chromium = createRequire(path.join(repo, "web/package.json"))("playwright-core").chromium;
  } catch {
    problems.push("playwright-core is not installed in web/node_modules: run scripts/build-web");
  }
  if (problems.length) {
    console.error("drux e2e: cannot run:\n  " + problems.join("\n  "));
    process.exit(1);
  }
  return chromium;
}

const chromium = requirePrerequisites();
const QUESTION = "When was the Nobel Prize first awarded?";
const XSS_QUESTION = "Show me an HTML example.";
const PREMIUM_QUESTION = "Who funded the Nobel Prize?";
const PASSWORD = "correct horse battery";

const stack = new Stack();
let base = "";
let context;
let page;
const cspViolations = [];

async function launchBrowser() {
  const dataDir = stack.tempDir("chromium-profile");
  context = await chromium.launchPersistentContext(dataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  // Records what the result page went through, so the test can tell that progress was shown
  // live from the event stream (and not only from the stored result). Injected by the
  // browser, so the page's own CSP does not apply to it.
  await context.addInitScript(() => {
    const seen = { articleStates: [], memberStates: [] };
    window.__druxSeen = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target;
        if (!(target instanceof Element)) continue;
        for (const element of [target, ...target.querySelectorAll("article.result, .progress .member")]) {
          if (element.matches("article.result") && element.dataset.state) seen.articleStates.push(element.dataset.state);
          if (element.matches(".progress .member")) seen.memberStates.push(`${element.dataset.model}:${element.dataset.state}`);
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
  });
  context.on("page", watchPage);
  page = context.pages()[0] ?? (await context.newPage());
  watchPage(page);
}

function watchPage(p) {
  p.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
}

async function api(pathname) {
  const response = await fetch(base + pathname);
  assert.equal(response.status, 200, `GET ${pathname}`);
  return response.json();
}

async function waitForResult(p) {
  await p.waitForSelector('article.result[data-state="complete"]', { timeout: 180_000 });
}

async function ask(question, panel) {
  await page.goto(base + "/");
  await page.waitForSelector(`#panel-${panel}:not([disabled])`);
  await page.check(`#panel-${panel}`);
  await page.fill("#question", question);
  await page.click('.search-form button[type="submit"]');
  await page.waitForURL(/\/q\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
}

async function signUp(email) {
  await page.click('.account button:has-text("Sign up free")');
  await page.fill("#auth-email", email);
  await page.fill("#auth-password", PASSWORD);
  await page.click('#auth-dialog button[type="submit"]');
  await page.waitForSelector(`[data-testid="signed-in-as"]:has-text("${email}")`);
}

async function signOut() {
  await page.click('.account button:has-text("Sign out")');
  await page.waitForSelector('.account button:has-text("Sign in")');
}

// it(), remembering a failure so that the stack keeps its logs for reading.
function step(name, body) {
  it(name, async () => {
    try {
      await body();
    } catch (error) {
      stack.failed = true;
      throw error;
    }
  });
}

describe("drux web UI", { timeout: 540_000 }, () => {
  before(async () => {
    stack.failed = true;
    const models = stack.tempDir("models");
    // The synthesizer's prompt holds every answer: the fast model needs a long context.
    const small = await makeTinyModel(config.ggufPy, path.join(models, "tiny.gguf"),
      ["--seed", "1", "--context-length", "4096"]);
    // A larger tiny model streams long enough that the page opens while it is still answering.
    const slow = await makeTinyModel(config.ggufPy, path.join(models, "slow.gguf"),
      ["--seed", "2", "--n-embd", "512", "--n-layer", "8", "--n-ff", "2048", "--context-length", "2048"]);
    const fast = await startLlamaServer(stack, config.llamaServer, small, 8192);
    const streaming = await startLlamaServer(stack, config.llamaServer, slow, 2048);
    const configPath = writeFixtures(stack.tempDir("config"), {
      fastEndpoint: fast, slowEndpoint: streaming, question: QUESTION, xssQuestion: XSS_QUESTION,
      premiumQuestion: PREMIUM_QUESTION,
    });
    const dbPath = path.join(stack.tempDir("store"), "drux.db");
    base = await startDruxServe(stack, config.drux, [
      "--listen", "127.0.0.1:0", "--store", dbPath, "--config", configPath,
      "--web-root", config.webDist, "--premium-email", "premium@example.com",
    ]);
    await launchBrowser();
    stack.failed = false;
  });

  after(async () => {
    await context?.close();
    await stack.stop();
  });

  step("shows the panels, premium ones marked and disabled for anonymous visitors", async () => {
    await page.goto(base + "/");
    await page.waitForSelector("#panel-open");
    assert.equal(await page.isEnabled("#panel-open"), true);
    assert.equal(await page.isChecked("#panel-open"), true);
    assert.equal(await page.isDisabled("#panel-premium"), true);
    assert.match(await page.textContent('[data-panel="premium"]'), /Premium/);
    assert.equal(await page.locator("a.signin-free").count(), 1);
    assert.equal(await page.getAttribute("label[for=question]", "for"), "question");
  });

  step("signs up, signs out and signs in; a wrong password gets the server's message", async () => {
    await signUp("free@example.com");
    await signOut();
    await page.click('.account button:has-text("Sign in")');
    await page.fill("#auth-email", "free@example.com");
    await page.fill("#auth-password", "not the password");
    await page.click('#auth-dialog button[type="submit"]');
    await page.waitForSelector("#auth-error:not(:empty)");
    await page.fill("#auth-password", PASSWORD);
    await page.click('#auth-dialog button[type="submit"]');
    await page.waitForSelector('[data-testid="signed-in-as"]:has-text("free@example.com")');
  });

  let questionId = "";
  let firstView = null;

  step("asks the free panel, shows live progress, then the whole result", async () => {
    questionId = await ask(QUESTION, "open");
    await waitForResult(page);
    const seen = await page.evaluate(() => window.__druxSeen);
    assert.ok(seen.articleStates.includes("streaming"), `the page followed the event stream: ${seen.articleStates}`);
    for (const state of ["tiny:done", "alpha:done", "beta:done", "gamma:failed"]) {
      assert.ok(seen.memberStates.includes(state), `live progress showed ${state}: ${seen.memberStates}`);
    }

    const record = await api(`/api/questions/${encodeURIComponent(questionId)}`);
    const result = record.result;
    assert.equal(await page.textContent("h1.question"), QUESTION);
    const status = await page.textContent('[data-testid="panel-status"]');
    assert.match(status, /3 of 4 answered/);
    assert.ok(status.includes(result.panel.summary), status);

    const score = `${Math.round(result.analysis.consensus.score)} %`;
    assert.equal(await page.textContent('[data-testid="consensus-score"] .number'), score);
    assert.equal(await page.textContent('[data-testid="consensus-score"] .label'), result.analysis.consensus.label);
    assert.equal(await page.textContent(".consensus .meaning"), result.analysis.consensus.meaning);
    await page.click('.consensus summary:has-text("How is this computed?")');
    assert.match(await page.textContent(".consensus details"), /pair of answers/);

    assert.equal(await page.locator(".agreements li").count(), result.analysis.agreements.length);
    const contradictions = result.analysis.disagreements.filter((d) => d.kind === "contradiction");
    assert.equal(await page.locator(".disagreements li.contradiction").count(), contradictions.length);
    if (contradictions.length) assert.match(await page.textContent(".disagreements li.contradiction"), /says/);
    assert.ok((await page.locator(".disagreements li, .disagreements .empty").count()) > 0);

    assert.ok((await page.innerHTML(".synthesis-html")).length > 0, "the synthesized answer is shown");
    const unsupported = (result.synthesis.sentences ?? []).filter((s) => s.unsupported).length;
    assert.equal(await page.locator(".support li.unsupported").count(), unsupported);

    assert.equal(await page.locator(".answer-panel").count(), 4);
    const gamma = page.locator('.answer-panel[data-model="gamma"]');
    assert.equal(await gamma.locator(".provider-message").textContent(), result.answers[2].error.message);
    const tinyMetrics = await page.textContent('.answer-panel[data-model="tiny"] .metrics');
    assert.match(tinyMetrics, /Latency/);
    assert.match(tinyMetrics, /Tokens/);
    assert.match(tinyMetrics, /Cost/);
    assert.equal(await page.isVisible(".tabs"), false, "wide screens show columns, not tabs");

    firstView = {
      status,
      synthesis: await page.innerHTML(".synthesis-html"),
      answers: await page.locator(".answer-body").allTextContents(),
    };
    mkdirSync(path.dirname(config.screenshot), { recursive: true });
    await page.screenshot({ path: config.screenshot, fullPage: true });
  });

  step("copies the link and exports the result as Markdown", async () => {
    await page.click('.result-actions button:has-text("Copy link")');
    await page.waitForSelector('.copy-note:has-text("copied")');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${base}/q/${questionId}`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('.result-actions button:has-text("Export as Markdown")'),
    ]);
    assert.equal(download.suggestedFilename(), `drux-${questionId}.md`);
    const markdown = readFileSync(await download.path(), "utf8");
    assert.ok(markdown.startsWith(`# ${QUESTION}\n`), markdown.slice(0, 200));
    for (const heading of ["## Consensus Score", "## Models agree on", "## Points of disagreement", "## Answers", "### gamma"]) {
      assert.ok(markdown.includes(heading), `the export has ${heading}`);
    }
  });

  step("reloads the permalink to the same result", async () => {
    await page.reload();
    await waitForResult(page);
    assert.equal(await page.textContent("h1.question"), QUESTION);
    assert.equal(await page.textContent('[data-testid="panel-status"]'), firstView.status);
    assert.equal(await page.innerHTML(".synthesis-html"), firstView.synthesis);
    assert.deepEqual(await page.locator(".answer-body").allTextContents(), firstView.answers);
  });

  step("lists the question in the history", async () => {
    await page.click('nav a:has-text("History")');
    const link = page.locator(`.history-list li[data-id="${questionId}"] a`);
    await link.waitFor();
    assert.equal(await link.textContent(), QUESTION);
    await link.click();
    await waitForResult(page);
    assert.equal(new URL(page.url()).pathname, `/q/${questionId}`);
  });

  step("keeps the premium panel from free users, in the UI and in the API", async () => {
    await page.goto(base + "/");
    await page.waitForSelector("#panel-premium");
    assert.equal(await page.isDisabled("#panel-premium"), true);
    const refused = await page.evaluate(async (question) => {
      const me = await (await fetch("/api/me")).json();
      const response = await fetch("/api/questions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf_token },
        body: JSON.stringify({ question, panel: "premium" }),
      });
      return { status: response.status, body: await response.json() };
    }, PREMIUM_QUESTION);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "forbidden");
  });

  step("shows a free user the frontier action disabled, saying why", async () => {
    await page.goto(`${base}/q/${encodeURIComponent(questionId)}`);
    await waitForResult(page);
    const action = page.locator(".result-actions button.run-frontier");
    await action.waitFor();
    assert.equal(await action.isDisabled(), true);
    assert.equal(await action.getAttribute("data-panel"), "frontier");
    assert.match(await page.textContent("#run-frontier-note"), /premium — sign in/);
  });

  step("lets a premium user run the premium panel, with its cost", async () => {
    await signOut();
    await signUp("premium@example.com");
    assert.match(await page.textContent('[data-testid="signed-in-as"]'), /Premium/);
    const id = await ask(PREMIUM_QUESTION, "premium");
    await waitForResult(page);
    const record = await api(`/api/questions/${encodeURIComponent(id)}`);
    assert.equal(record.panel, "premium");
    const frontier = record.result.answers.find((a) => a.model === "frontier");
    assert.ok(frontier.ok, JSON.stringify(frontier.error));
    assert.ok(frontier.cost_usd > 0, "a priced member costs something");
    assert.doesNotMatch(await page.textContent('.answer-panel[data-model="frontier"] .metrics'), /Cost \$0$/);
  });

  step("runs a result on the frontier panel and compares the two side by side", async () => {
    await page.goto(`${base}/q/${encodeURIComponent(questionId)}`);
    await waitForResult(page);
    await page.click(".result-actions button.run-frontier:not([disabled])");
    await page.waitForURL(/\/compare\/[^/]+\/[^/]+$/);
    const [a, b] = new URL(page.url()).pathname.split("/").slice(2).map(decodeURIComponent);
    assert.equal(a, questionId);
    const figure = page.locator('[data-testid="synthesis-agreement"]');
    await figure.waitFor({ timeout: 180_000 });
    assert.equal(await page.locator('.compare-column article.result[data-state="complete"]').count(), 2);
    const both = await api(`/api/compare/${encodeURIComponent(a)}/${encodeURIComponent(b)}`);
    assert.equal(both.b.panel, "frontier");
    assert.ok(both.comparison, "both are complete: the comparison is there");
    const percent = Math.round(both.comparison.synthesis_agreement * 100);
    assert.equal(await figure.textContent(), `How far the two syntheses agree: ${percent} %`);
    assert.equal(await page.textContent("h1.question"), QUESTION);
    for (const [side, record] of [["a", both.a], ["b", both.b]]) {
      const column = page.locator(`.compare-column[data-side="${side}"]`);
      assert.ok((await column.locator('[data-testid="panel-status"]').textContent()).includes(record.result.panel.name));
      assert.equal(await column.locator('[data-testid="consensus-score"] .number').textContent(),
        `${Math.round(record.result.analysis.consensus.score)} %`);
      assert.equal(await column.locator(".agreements li").count(), record.result.analysis.agreements.length);
      assert.equal(await column.locator(".synthesis-html").count(), 1);
    }
    for (const [testid, points] of [["shared-points", both.comparison.shared_points],
      ["only-a", both.comparison.only_a], ["only-b", both.comparison.only_b]]) {
      assert.equal(await page.locator(`[data-testid="${testid}"] li`).count(), points.length, testid);
    }
    await page.reload();
    await figure.waitFor();
    assert.equal(await figure.textContent(), `How far the two syntheses agree: ${percent} %`);
    assert.equal(await page.locator('.compare-column article.result[data-state="complete"]').count(), 2);
  });

  step("renders HTML in model output inert", async () => {
    await ask(XSS_QUESTION, "open");
    await waitForResult(page);
    const gamma = page.locator('.answer-panel[data-model="gamma"]');
    assert.equal(await gamma.locator(".member-error").isHidden(), true, "gamma answered the recorded question");
    const found = await page.evaluate(() => ({
      xss: window.__xss,
      scripts: document.querySelectorAll("main script").length,
      images: document.querySelectorAll("main img").length,
      handlers: document.querySelectorAll("main [onerror]").length,
    }));
    assert.deepEqual(found, { xss: undefined, scripts: 0, images: 0, handlers: 0 });
    await page.reload();
    await waitForResult(page);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });

  step("shows answers as tabs on a phone", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/q/${encodeURIComponent(questionId)}`);
    await waitForResult(phone);
    assert.equal(await phone.isVisible(".tabs"), true);
    assert.equal(await phone.locator('[role="tab"]').count(), 4);
    const visible = async () => (await phone.locator(".answer-panel").evaluateAll(
      (panels) => panels.filter((p) => p.offsetParent !== null).map((p) => p.dataset.model)));
    assert.deepEqual(await visible(), ["alpha"]);
    await phone.focus('[role="tab"][aria-selected="true"]');
    await phone.keyboard.press("ArrowRight");
    assert.deepEqual(await visible(), ["beta"]);
    assert.equal(await phone.getAttribute('[role="tab"][aria-selected="true"]', "aria-controls"), "answer-1");
    await phone.screenshot({ path: config.screenshot.replace(/\.png$/, "-phone.png"), fullPage: true });
    const overflow = await phone.evaluate(() => ({
      pixels: document.documentElement.scrollWidth - window.innerWidth,
      widest: [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(-3).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`),
    }));
    assert.ok(overflow.pixels <= 0, `the page fits the phone's width: ${JSON.stringify(overflow)}`);
    await phone.close();
  });

  step("runs without Content Security Policy violations", () => {
    assert.deepEqual(cspViolations, []);
  });
});
