// The result page (/q/ID): loads the question, follows its event stream while it runs
// (EventSource resumes with Last-Event-ID by itself after a dropped connection), and shows
// the stored result once the `result` event arrives. The comparison page (/compare/A/B)
// shows two of these views side by side, without the question heading, answers or actions.
import * as api from "./api";
import { AnswersView } from "./answers";
import { h } from "./dom";
import { navigate } from "./nav";
import { consensusSection } from "./gauge";
import { download, resultMarkdown } from "./markdown";
import { agreementsSection, disagreementsSection, synthesisSection } from "./sections";
import type { Analysis, Panel, QuestionRecord } from "./types";

interface Member {
  model: string;
  state: "waiting" | "downloading" | "answering" | "done" | "failed";
  tokens: number;
}

export interface ResultViewOptions {
  // A whole page: the question as its heading, every answer and the result's actions.
  // Otherwise a column of the comparison page: status, score, points and synthesis.
  page: boolean;
  // Called with the question once it is known, and with the final record.
  onQuestion?: (question: string) => void;
  onFinal?: (record: QuestionRecord) => void;
}

export function renderResultPage(main: HTMLElement, id: string): () => void {
  const page = new ResultView(main, id, { page: true });
  void page.start();
  return () => page.stop();
}

export class ResultView {
  private readonly title = h("h1", { class: "question" }, "Loading…");
  private readonly status = h("p", { class: "panel-status", "data-testid": "panel-status" });
  private readonly live = h("p", { class: "live-status", role: "status", "aria-live": "polite" });
  private readonly progress = h("ol", { class: "progress", "aria-label": "Panel progress" });
  private readonly analysisSlot = h("div", { class: "analysis" });
  private readonly synthesisSlot = h("div", {});
  private readonly synthesisStream = h("pre", { class: "synthesis-stream", hidden: true });
  private readonly answers = new AnswersView();
  private readonly actions = h("div", { class: "result-actions" });
  private readonly article: HTMLElement;
  private members: Member[] = [];
  private source: EventSource | null = null;
  private stopped = false;

  constructor(main: HTMLElement, private readonly id: string, private readonly options: ResultViewOptions) {
    this.article = h("article", { class: "result", "data-state": "loading", "aria-busy": "true", "data-id": id },
      h("header", { class: "result-header" }, options.page ? this.title : null, this.status,
        options.page ? this.actions : null),
      this.live, this.progress, this.analysisSlot,
      h("div", { class: "synthesis-live" }, this.synthesisStream), this.synthesisSlot,
      options.page ? this.answers.element : null);
    main.append(this.article);
  }

  async start(): Promise<void> {
    let record: QuestionRecord;
    try {
      record = await api.question(this.id);
    } catch (failure) {
      this.fail(failure instanceof api.ApiFailure && failure.status === 404
        ? "There is no question with this link. It may have been mistyped."
        : "The question could not be loaded: " + (failure instanceof Error ? failure.message : String(failure)));
      return;
    }
    if (this.stopped) return;
    this.setQuestion(record.question);
    if (record.state === "complete" && record.result) this.showFinal(record);
    else this.follow();
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    this.source = null;
  }

  private setQuestion(question: string): void {
    this.options.onQuestion?.(question);
    if (!this.options.page) return;
    this.title.textContent = question;
    document.title = `${question.slice(0, 60)} · Drux`;
  }

  private fail(message: string): void {
    if (this.options.page) this.title.textContent = "Question not found";
    this.article.dataset.state = "error";
    this.article.setAttribute("aria-busy", "false");
    this.live.replaceChildren(h("span", { class: "error", role: "alert" }, message), " ",
      h("a", { href: "/", "data-nav": "" }, "New search"));
  }

  private follow(): void {
    this.article.dataset.state = "streaming";
    this.live.textContent = "Asking the panel…";
    const source = new EventSource(`/api/questions/${encodeURIComponent(this.id)}/events`);
    this.source = source;
    const on = (name: string, handle: (data: any) => void) =>
      source.addEventListener(name, (event) => {
        try {
          handle(JSON.parse((event as MessageEvent<string>).data));
        } catch (error) {
          console.error(`drux: bad ${name} event`, error);
        }
      });
    on("question", (data: { question: string; members: { index: number; model: string }[] }) => {
      this.setQuestion(data.question);
      this.members = data.members.map((m) => ({ model: m.model, state: "waiting", tokens: 0 }));
      // The first event of the log: a new connection (not a resumed one) starts over.
      this.answers.setMembers(this.members.map((m) => m.model), true);
      this.synthesisStream.replaceChildren();
      this.renderProgress();
    });
    on("downloading", (data: { member: number; bytes_done: number; bytes_total: number }) => {
      const member = this.member(data.member);
      if (!member) return;
      member.state = "downloading";
      const percent = data.bytes_total > 0 ? Math.floor((100 * data.bytes_done) / data.bytes_total) : 0;
      this.answers.setState(data.member, `downloading ${percent} %`, "downloading");
      this.renderProgress();
    });
    on("started", (data: { member: number }) => {
      const member = this.member(data.member);
      if (member) member.state = "answering";
      this.answers.setState(data.member, "answering", "answering");
      this.renderProgress();
    });
    on("text", (data: { member: number; text: string; tokens: number }) => {
      if (data.member === this.members.length) {
        this.synthesisStream.hidden = false;
        this.synthesisStream.append(document.createTextNode(data.text));
        return;
      }
      const member = this.member(data.member);
      if (!member) return;
      member.state = "answering";
      member.tokens = data.tokens;
      this.answers.appendText(data.member, data.text);
    });
    on("done", (data: { member: number; model: string; tokens: number; elapsed_ms: number }) => {
      const member = this.member(data.member);
      if (!member) return;
      member.state = "done";
      member.tokens = data.tokens;
      this.answers.setState(data.member, `answered · ${data.tokens} tokens · ${(data.elapsed_ms / 1000).toFixed(1)} s`, "done");
      this.renderProgress();
    });
    on("failed", (data: { member: number; error: { code: string; message: string } }) => {
      const member = this.member(data.member);
      if (!member) return;
      member.state = "failed";
      this.answers.setState(data.member, "failed", "failed");
      this.answers.showError(data.member, data.error.code, data.error.message);
      this.renderProgress();
    });
    on("analysis", (analysis: Analysis) => {
      this.showAnalysis(analysis);
      this.live.textContent = "The panel has answered; writing the synthesized answer…";
    });
    on("result", (record: QuestionRecord) => {
      source.close();
      this.showFinal(record);
    });
    on("interrupted", (data: { message: string }) => {
      source.close();
      this.article.dataset.state = "interrupted";
      this.article.setAttribute("aria-busy", "false");
      this.live.replaceChildren(h("span", { class: "warning" }, `Interrupted: ${data.message}`));
    });
    source.addEventListener("open", () => {
      if (this.article.dataset.state === "reconnecting") {
        this.article.dataset.state = "streaming";
        this.live.textContent = "Reconnected.";
      }
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.article.dataset.state = "reconnecting";
        this.live.textContent = "Connection lost; reconnecting…";
      } else if (source.readyState === EventSource.CLOSED) {
        void this.recover();
      }
    });
  }

  // The stream was refused (not a reconnectable drop): show what the server has stored.
  private async recover(): Promise<void> {
    try {
      const record = await api.question(this.id);
      if (record.state === "complete" && record.result) return this.showFinal(record);
    } catch {
      // Reported below.
    }
    const retry = h("button", { type: "button" }, "Try again");
    retry.addEventListener("click", () => this.follow());
    this.live.replaceChildren(h("span", { class: "error" }, "The live updates stopped. "), retry);
  }

  private member(index: number): Member | undefined {
    return this.members[index];
  }

  private renderProgress(): void {
    const answered = this.members.filter((m) => m.state === "done").length;
    const failed = this.members.filter((m) => m.state === "failed").length;
    const running = this.members.length - answered - failed;
    const summary = `${answered} of ${this.members.length} answered` + (failed ? ` · ${failed} failed` : "") +
      (running ? ` · ${running} still answering` : "");
    this.status.textContent = "Asking the panel…";
    if (this.article.dataset.state === "streaming") this.live.textContent = summary;
    this.progress.replaceChildren(...this.members.map((m) =>
      h("li", { class: `member ${m.state}`, "data-model": m.model, "data-state": m.state },
        h("span", { class: "model" }, m.model), " ",
        h("span", { class: "state" }, m.state === "done" ? `answered · ${m.tokens} tokens` : m.state))));
  }

  private showAnalysis(analysis: Analysis): void {
    this.analysisSlot.replaceChildren(consensusSection(analysis),
      h("div", { class: "points-grid" }, agreementsSection(analysis), disagreementsSection(analysis)));
  }

  private showFinal(record: QuestionRecord): void {
    const result = record.result;
    this.setQuestion(record.question);
    this.article.dataset.state = record.state;
    this.article.setAttribute("aria-busy", "false");
    if (!result) {
      this.live.textContent = `This question ended without a result (${record.state}).`;
      return;
    }
    const panel = result.panel;
    this.status.textContent = panel.status === "complete"
      ? `${panel.name} · ${panel.members} models · complete` : `${panel.name} · ${panel.summary}`;
    // Announced to screen readers; the status line above already shows it.
    this.live.textContent = panel.status === "complete" ? "Complete." : `Finished: ${panel.summary}.`;
    this.live.classList.add("visually-hidden");
    this.progress.replaceChildren();
    this.progress.hidden = true;
    if (result.analysis) this.showAnalysis(result.analysis);
    else this.analysisSlot.replaceChildren();
    this.synthesisStream.hidden = true;
    this.synthesisStream.replaceChildren();
    this.synthesisSlot.replaceChildren(synthesisSection(result.synthesis, record.rendered?.synthesis_html ?? ""));
    this.answers.setFinal(result.answers, record.rendered?.answers_html ?? []);
    if (this.options.page) this.renderActions(record);
    this.options.onFinal?.(record);
  }

  private renderActions(record: QuestionRecord): void {
    const permalink = `${location.origin}/q/${encodeURIComponent(record.id)}`;
    const copyNote = h("span", { class: "copy-note", role: "status", "aria-live": "polite" });
    const copyButton = (label: string, text: () => string, done: string) => {
      const button = h("button", { type: "button" }, label);
      button.addEventListener("click", async () => {
        copyNote.textContent = (await copyText(text())) ? done : "Copying is not allowed here; select the text instead.";
      });
      return button;
    };
    const exportButton = h("button", { type: "button" }, "Export as Markdown");
    exportButton.addEventListener("click", () => download(`drux-${record.id}.md`, resultMarkdown(record, permalink)));
    const compareSlot = h("span", { class: "compare-action" });
    this.actions.replaceChildren(
      h("a", { href: `/q/${encodeURIComponent(record.id)}`, class: "permalink", "data-nav": "" }, "Permalink"),
      copyButton("Copy link", () => permalink, "Link copied."),
      copyButton("Copy answer", () => record.result?.synthesis?.text || resultMarkdown(record, permalink), "Answer copied."),
      exportButton,
      compareSlot,
      h("a", { href: "/", class: "new-search", "data-nav": "" }, "New search"),
      copyNote);
    void renderCompareAction(compareSlot, record.id, () => this.stopped);
  }
}

// The panel "Run on frontier models" asks: `frontier` when configured, else the first
// premium panel; none when there is no premium panel.
function frontierPanel(panels: Panel[]): Panel | undefined {
  return panels.find((p) => p.name === "frontier") ?? panels.find((p) => p.premium);
}

// "Run on frontier models": asks the question again on that panel and opens the comparison.
// Shown disabled, with why, to whoever may not ask it; the server's 403 is the real check.
async function renderCompareAction(slot: HTMLElement, id: string, stopped: () => boolean): Promise<void> {
  let panel: Panel | undefined;
  try {
    panel = frontierPanel((await api.panels()).panels);
  } catch {
    return; // Without the panel list there is nothing to offer; the result stays usable.
  }
  if (!panel || stopped()) return;
  const chosen = panel;
  const button = h("button", { type: "button", class: "run-frontier", "data-panel": chosen.name,
    disabled: !chosen.available, "aria-describedby": chosen.available ? null : "run-frontier-note" },
    "Run on frontier models");
  const note = h("span", { class: "hint", id: "run-frontier-note", role: "status" },
    chosen.available ? "" : api.user() ? "premium — sign in with a premium account" : "premium — sign in");
  button.addEventListener("click", async () => {
    button.disabled = true;
    note.textContent = `Asking the ${chosen.name} panel…`;
    try {
      const started = await api.compare(id, chosen.name);
      navigate(started.url);
    } catch (failure) {
      button.disabled = false;
      note.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  });
  slot.replaceChildren(button, " ", note);
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
