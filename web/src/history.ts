// The history page (/history): the signed-in user's questions, newest first.
import * as api from "./api";
import { openAuthDialog } from "./auth";
import { h, formatDate } from "./dom";

export async function renderHistory(main: HTMLElement): Promise<void> {
  const section = h("section", { class: "history", "aria-labelledby": "history-title" },
    h("h1", { id: "history-title" }, "History"));
  main.append(section);
  if (!api.user()) {
    const link = h("button", { type: "button", class: "link-button" }, "Sign in");
    link.addEventListener("click", () => openAuthDialog("signin", () => window.dispatchEvent(new PopStateEvent("popstate"))));
    section.append(h("p", {}, link, " to keep a history of your questions."));
    return;
  }
  const status = h("p", { role: "status" }, "Loading…");
  section.append(status);
  try {
    const items = await api.history();
    status.textContent = items.length ? `${items.length} question${items.length === 1 ? "" : "s"}` : "No questions yet.";
    if (!items.length) return;
    section.append(h("ol", { class: "history-list" }, items.map((item) =>
      h("li", { "data-id": item.id },
        h("a", { href: `/q/${encodeURIComponent(item.id)}`, "data-nav": "" }, item.question),
        h("p", { class: "meta" },
          [item.panel, item.state === "complete" ? item.summary : item.state,
           item.score === null || item.score === undefined ? "" : `consensus ${Math.round(item.score)} %`,
           formatDate(item.created_at)].filter(Boolean).join(" · "))))));
  } catch (failure) {
    status.textContent = "";
    section.append(h("p", { class: "error", role: "alert" },
      "History could not be loaded: " + (failure instanceof Error ? failure.message : String(failure))));
  }
}
