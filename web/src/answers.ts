// Every model's answer side by side: columns on wide screens, tabs on narrow ones (the CSS
// decides which shows; the tabs are real ARIA tabs with arrow-key navigation). While the
// panel streams, text arrives as plain text; the final answer is the server's HTML.
import { append, h, formatCost, formatSeconds, setServerRenderedHtml } from "./dom";
import type { AnswerJson } from "./types";

interface Column {
  tab: HTMLButtonElement;
  tabState: HTMLSpanElement;
  panel: HTMLElement;
  state: HTMLElement;
  metrics: HTMLElement;
  error: HTMLElement;
  body: HTMLElement;
}

export class AnswersView {
  readonly element: HTMLElement;
  private readonly tablist: HTMLElement;
  private readonly grid: HTMLElement;
  private columns: Column[] = [];

  constructor() {
    this.tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "Answers" });
    this.grid = h("div", { class: "answer-grid" });
    this.element = h("section", { class: "answers", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title" }, "Every answer"), this.tablist, this.grid);
    this.tablist.addEventListener("keydown", (event) => this.onKey(event));
  }

  // Keeps the columns (and their streamed text) when they are already there, unless reset.
  setMembers(models: string[], reset = false): void {
    if (!reset && this.columns.length === models.length) return;
    this.tablist.replaceChildren();
    this.grid.replaceChildren();
    this.columns = models.map((model, index) => {
      const tabState = h("span", { class: "tab-state" });
      const tab = h("button", {
        type: "button", role: "tab", id: `answer-tab-${index}`, "aria-controls": `answer-${index}`,
        "aria-selected": "false", tabindex: "-1",
      }, h("span", {}, model), tabState);
      tab.addEventListener("click", () => this.select(index, false));
      const state = h("span", { class: "state" }, "waiting");
      const metrics = h("p", { class: "metrics" });
      const error = h("div", { class: "member-error", role: "note", hidden: true });
      const body = h("div", { class: "answer-body streaming" });
      const panel = h("article", {
        class: "answer-panel", id: `answer-${index}`, role: "tabpanel", "aria-labelledby": `answer-tab-${index}`,
        "data-model": model, tabindex: "0",
      }, h("h3", {}, model, " ", state), metrics, error, body);
      this.tablist.append(tab);
      this.grid.append(panel);
      return { tab, tabState, panel, state, metrics, error, body };
    });
    this.select(0, false);
  }

  setState(index: number, label: string, kind: string): void {
    const column = this.columns[index];
    if (!column) return;
    column.state.textContent = label;
    column.state.className = `state ${kind}`;
    column.tabState.textContent = kind === "failed" ? " ✕" : kind === "done" ? " ✓" : " …";
    column.tabState.setAttribute("aria-label", label);
  }

  appendText(index: number, text: string): void {
    this.columns[index]?.body.append(document.createTextNode(text));
  }

  showError(index: number, code: string, message: string): void {
    const column = this.columns[index];
    if (!column) return;
    column.error.hidden = false;
    column.error.replaceChildren(h("strong", {}, `Failed (${code}): `), h("span", { class: "provider-message" }, message));
  }

  // The stored answers: metrics, errors, and the server-rendered HTML of each text.
  setFinal(answers: AnswerJson[], html: string[]): void {
    this.setMembers(answers.map((a) => a.model));
    answers.forEach((answer, index) => {
      const column = this.columns[index];
      this.setState(index, answer.ok ? "answered" : "failed", answer.ok ? "done" : "failed");
      const usage = answer.usage;
      column.metrics.replaceChildren();
      append(column.metrics,
        metric("Latency", formatSeconds(answer.latency_ms)),
        metric("Tokens", usage ? `${usage.prompt_tokens} in · ${usage.completion_tokens} out${usage.reported ? "" : " (counted)"}` : "–"),
        metric("Cost", formatCost(answer.cost_usd)),
        answer.provider_model ? metric("Model", answer.provider_model) : null,
      );
      if (answer.ok) column.error.hidden = true;
      else this.showError(index, answer.error?.code ?? "error", answer.error?.message ?? "The model gave no reason.");
      column.body.classList.remove("streaming");
      if (html[index] !== undefined && answer.text) setServerRenderedHtml(column.body, html[index]);
      else column.body.textContent = answer.text;
    });
  }

  private select(index: number, focus: boolean): void {
    this.columns.forEach((column, i) => {
      const selected = i === index;
      column.tab.setAttribute("aria-selected", String(selected));
      column.tab.tabIndex = selected ? 0 : -1;
      column.panel.classList.toggle("active", selected);
    });
    if (focus) this.columns[index]?.tab.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const current = this.columns.findIndex((c) => c.tab.getAttribute("aria-selected") === "true");
    const last = this.columns.length - 1;
    const next = event.key === "ArrowRight" ? (current >= last ? 0 : current + 1)
      : event.key === "ArrowLeft" ? (current <= 0 ? last : current - 1)
      : event.key === "Home" ? 0 : event.key === "End" ? last : -1;
    if (next < 0) return;
    event.preventDefault();
    this.select(next, true);
  }
}

function metric(name: string, value: string): HTMLElement {
  return h("span", { class: "metric" }, h("span", { class: "metric-name" }, name + " "), value);
}
