// The search page: a question box and the panel picker. Premium panels are shown, marked,
// and disabled unless the server says the caller may use them (it checks again on ask).
import * as api from "./api";
import { openAuthDialog } from "./auth";
import { h } from "./dom";
import { navigate } from "./nav";
import type { Panel } from "./types";

export async function renderSearch(main: HTMLElement): Promise<void> {
  const textarea = h("textarea", {
    id: "question", name: "question", rows: 4, required: true, maxlength: 16000,
    placeholder: "e.g. What is an AI engineer?", "aria-describedby": "question-hint",
  });
  const picker = h("fieldset", { class: "panels" }, h("legend", {}, "Panel"), h("p", { class: "hint" }, "Loading panels…"));
  const error = h("p", { class: "error", role: "alert", id: "ask-error" });
  const submit = h("button", { type: "submit", class: "primary" }, "Ask the panel");
  const form = h("form", { class: "search-form", "aria-labelledby": "search-title" },
    h("label", { for: "question", class: "question-label" }, "Your question"),
    textarea,
    h("p", { class: "hint", id: "question-hint" }, "Every model on the panel answers; Drux measures how far they agree and writes one answer. Ctrl+Enter asks."),
    picker, error, submit,
  );
  main.append(
    h("section", { class: "search" },
      h("h1", { id: "search-title" }, "Ask many models at once"),
      h("p", { class: "lede" }, "See where they agree, where they disagree, and one synthesized answer that says who supports each part."),
      form),
  );
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  let panels: Panel[] = [];
  try {
    const list = await api.panels();
    panels = list.panels;
    renderPicker(picker, list.panels, list.default);
  } catch (failure) {
    picker.replaceChildren(h("legend", {}, "Panel"),
      h("p", { class: "error" }, "Panels could not be loaded: " + (failure instanceof Error ? failure.message : String(failure))));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const question = textarea.value.trim();
    if (!question) {
      error.textContent = "Type a question first.";
      textarea.focus();
      return;
    }
    const chosen = form.querySelector<HTMLInputElement>('input[name="panel"]:checked');
    const panel = chosen?.value ?? panels.find((p) => p.available)?.name ?? "";
    submit.disabled = true;
    submit.textContent = "Asking…";
    try {
      const created = await api.ask(question, panel);
      navigate(`/q/${encodeURIComponent(created.id)}`);
    } catch (failure) {
      let message = failure instanceof Error ? failure.message : String(failure);
      if (failure instanceof api.ApiFailure && failure.status === 429 && failure.retryAfter) {
        message += ` Try again in ${failure.retryAfter} s.`;
      }
      error.textContent = message;
      submit.disabled = false;
      submit.textContent = "Ask the panel";
    }
  });
}

function renderPicker(picker: HTMLFieldSetElement, panels: Panel[], preferred: string): void {
  const signedIn = api.user() !== null;
  const usable = panels.filter((p) => p.available);
  const checked = usable.find((p) => p.name === preferred) ?? usable[0];
  picker.replaceChildren(h("legend", {}, "Panel"));
  for (const panel of panels) {
    const id = `panel-${panel.name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const input = h("input", {
      type: "radio", name: "panel", id, value: panel.name,
      disabled: !panel.available, checked: panel === checked,
      "aria-describedby": `${id}-members`,
    });
    const note = panel.premium && !panel.available
      ? h("span", { class: "hint", id: `${id}-locked` },
          signedIn ? "Premium accounts only." : "Premium: sign in with a premium account to use it.")
      : null;
    if (note) input.setAttribute("aria-describedby", `${id}-members ${id}-locked`);
    picker.append(
      h("div", { class: "panel-option" + (panel.available ? "" : " unavailable"), "data-panel": panel.name },
        input,
        h("label", { for: id },
          h("span", { class: "panel-name" }, panel.name),
          panel.premium ? h("span", { class: "badge premium" }, "Premium") : h("span", { class: "badge free" }, "Free")),
        h("span", { class: "members", id: `${id}-members` },
          `${panel.members.length} model${panel.members.length === 1 ? "" : "s"}: ` + panel.members.map((m) => m.name).join(", ")),
        note),
    );
  }
  if (!signedIn && panels.some((p) => p.premium && !p.available)) {
    const link = h("a", { href: "/?signup", class: "signin-free" }, "Sign in free");
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openAuthDialog("signup", () => window.dispatchEvent(new PopStateEvent("popstate")));
    });
    picker.append(h("p", { class: "hint" }, link, " to keep a history of your questions; premium accounts add frontier models."));
  }
}
