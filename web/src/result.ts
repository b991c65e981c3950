// The result page (/q/ID): loads the question, follows its event stream while it runs
// (EventSource resumes with Last-Event-ID by itself after a dropped connection), and shows
// the stored result once the `result` event arrives.
import * as api from "./api";
import { AnswersView } from "./answers";
import { h } from "./dom";
import { consensusSection } from "./gauge";
import { download, resultMarkdown } from "./markdown";
import { agreementsSection, disagreementsSection, synthesisSection } from "./sections";
import type { Analysis, QuestionRecord } from "./types";

interface Member {
  model: string;
  state: "waiting" | "downloading" | "answering" | "done" | "failed";
  tokens: number;
}

export function renderResultPage(main: HTMLElement, id: string): () => void {
  const page = new ResultPage(main, id);
  void page.start();
  return () => page.stop();
}

class ResultPage {
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

  constructor(main: HTMLElement, private readonly id: string) {
    this.article = h("article", { class: "result", "data-state": "loading", "aria-busy": "true" },
      h("header", { class: "result-header" }, this.title, this.status, this.actions),
      this.live, this.progress, this.analysisSlot,
      h("div", { class: "synthesis-live" }, this.synthesisStream), this.synthesisSlot, this.answers.element);
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
    this.title.textContent = question;
    document.title = `${question.slice(0, 60)} · Drux`;
  }

  private fail(message: string): void {
    this.title.textContent = "Question not found";
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
    this.renderActions(record);
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
    this.actions.replaceChildren(
      h("a", { href: `/q/${encodeURIComponent(record.id)}`, class: "permalink", "data-nav": "" }, "Permalink"),
      copyButton("Copy link", () => permalink, "Link copied."),
      copyButton("Copy answer", () => record.result?.synthesis?.text || resultMarkdown(record, permalink), "Answer copied."),
      exportButton,
      h("a", { href: "/", class: "new-search", "data-nav": "" }, "New search"),
      copyNote);
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
