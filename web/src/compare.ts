// The comparison page (/compare/A/B): result A and result B side by side (stacked on a
// phone), each a ResultView that follows its own event stream while it runs, then how far
// the two syntheses agree, from GET /api/compare/A/B once both are complete.
import * as api from "./api";
import { append, h } from "./dom";
import { ResultView } from "./result";
import type { Comparison, QuestionRecord } from "./types";

export function renderComparePage(main: HTMLElement, a: string, b: string): () => void {
  const page = new ComparePage(main, a, b);
  return () => page.stop();
}

class ComparePage {
  private readonly title = h("h1", { class: "question" }, "Loading…");
  private readonly figure = h("section", { class: "card comparison", "aria-labelledby": "comparison-title",
    "data-testid": "comparison", hidden: true });
  private readonly views: ResultView[];
  private readonly panels: HTMLElement[];
  private finals = 0;
  private stopped = false;

  constructor(main: HTMLElement, private readonly a: string, private readonly b: string) {
    document.title = "Comparison · Drux";
    const columns = [a, b].map((id, side) => {
      const panel = h("h2", { class: "column-panel" }, side === 0 ? "Result A" : "Result B");
      const column = h("div", { class: "compare-column", "data-side": side === 0 ? "a" : "b" }, panel,
        h("a", { href: `/q/${encodeURIComponent(id)}`, "data-nav": "", class: "hint" }, "Open this result"));
      return { column, panel };
    });
    this.panels = columns.map((c) => c.panel);
    main.append(h("div", { class: "compare-page" },
      this.title,
      h("div", { class: "compare-grid" }, columns.map((c) => c.column)),
      this.figure));
    this.views = [a, b].map((id, side) => new ResultView(columns[side].column, id, {
      page: false,
      onQuestion: (question) => this.setQuestion(question),
      onFinal: (record) => this.onFinal(side, record),
    }));
    for (const view of this.views) void view.start();
  }

  stop(): void {
    this.stopped = true;
    for (const view of this.views) view.stop();
  }

  private setQuestion(question: string): void {
    this.title.textContent = question;
    document.title = `Comparison: ${question.slice(0, 50)} · Drux`;
  }

  private onFinal(side: number, record: QuestionRecord): void {
    this.panels[side].textContent = `${side === 0 ? "A" : "B"} · ${record.panel}`;
    if (++this.finals === 2) void this.loadComparison();
  }

  private async loadComparison(): Promise<void> {
    try {
      const both = await api.comparison(this.a, this.b);
      if (this.stopped) return;
      if (both.comparison) this.showComparison(both.comparison, both.a.panel, both.b.panel);
      else this.showMessage("One of the two results ended without an answer to compare.");
    } catch (failure) {
      if (!this.stopped) this.showMessage("The comparison could not be loaded: " +
        (failure instanceof Error ? failure.message : String(failure)));
    }
  }

  private showMessage(message: string): void {
    this.figure.hidden = false;
    this.figure.replaceChildren(h("h2", { id: "comparison-title" }, "How far the two syntheses agree"),
      h("p", { class: "empty" }, message));
  }

  private showComparison(comparison: Comparison, panelA: string, panelB: string): void {
    const percent = Math.round(comparison.synthesis_agreement * 100);
    const list = (title: string, points: string[], testid: string) =>
      h("div", { class: "comparison-list", "data-testid": testid },
        h("h3", {}, title),
        points.length
          ? h("ul", { class: "points" }, points.map((point) => h("li", {}, point)))
          : h("p", { class: "empty" }, "None."));
    this.figure.hidden = false;
    this.figure.replaceChildren();
    append(this.figure,
      h("h2", { id: "comparison-title" }, "Comparing the two panels"),
      h("p", { class: "agreement-figure", "data-testid": "synthesis-agreement" },
        `How far the two syntheses agree: ${percent} %`),
      comparison.note ? h("p", { class: "hint" }, comparison.note) : null,
      h("div", { class: "comparison-lists" },
        list("Shared points", comparison.shared_points, "shared-points"),
        list(`Only in A (${panelA})`, comparison.only_a, "only-a"),
        list(`Only in B (${panelB})`, comparison.only_b, "only-b")));
  }
}
