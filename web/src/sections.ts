// The result's analysis and synthesis sections, built from the Result (docs/result-json.md).
import { h, formatCost, formatSeconds, setServerRenderedHtml } from "./dom";
import type { Analysis, Synthesis, SynthesisSentence } from "./types";

function modelChips(models: string[], label: string): HTMLElement {
  return h("span", { class: "models", "aria-label": `${label}: ${models.join(", ")}` },
    models.map((model) => h("span", { class: "chip" }, model)));
}

export function agreementsSection(analysis: Analysis): HTMLElement {
  const points = analysis.agreements;
  return h("section", { class: "card agreements", "aria-labelledby": "agree-title" },
    h("h2", { id: "agree-title" }, "Models agree on"),
    points.length === 0
      ? h("p", { class: "empty" }, "No point that (nearly) every model made.")
      : h("ul", { class: "points" }, points.map((point) =>
          h("li", {}, h("span", { class: "point-text" }, point.text), " ", modelChips(point.models, "Supported by")))));
}

export function disagreementsSection(analysis: Analysis): HTMLElement {
  // Contradictions first, then points only one model made (the server orders them so too).
  const contradictions = analysis.disagreements.filter((d) => d.kind === "contradiction");
  const unique = analysis.disagreements.filter((d) => d.kind !== "contradiction");
  return h("section", { class: "card disagreements", "aria-labelledby": "disagree-title" },
    h("h2", { id: "disagree-title" }, "Points of disagreement"),
    contradictions.length + unique.length === 0 ? h("p", { class: "empty" }, "None found.") : null,
    contradictions.length
      ? h("ul", { class: "points contradictions" }, contradictions.map((point) =>
          h("li", { class: "contradiction" },
            h("p", {}, h("strong", {}, point.models.join(", ")), " says ", h("q", {}, point.text)),
            h("p", {}, h("strong", {}, point.versus.join(", ")), " says ", h("q", {}, point.versus_text ?? "")))))
      : null,
    unique.length
      ? h("div", {},
          h("h3", {}, "Only one model said"),
          h("ul", { class: "points unique" }, unique.map((point) =>
            h("li", {}, h("span", { class: "point-text" }, point.text), " ", modelChips(point.models, "Only")))))
      : null);
}

function synthesisMeta(synthesis: Synthesis): HTMLElement {
  const parts: string[] = [];
  if (synthesis.method === "model") parts.push(`Written by ${synthesis.synthesizer ?? "a synthesizer model"}`);
  else if (synthesis.method === "extractive") parts.push("Built from the panel's best-supported points, in their words");
  if (synthesis.basis) parts.push(`from ${synthesis.basis}`);
  const unsupported = synthesis.unsupported_sentences ?? (synthesis.sentences ?? []).filter((s) => s.unsupported).length;
  const line = parts.join(" ") + (unsupported ? ` · ${unsupported} sentence${unsupported === 1 ? "" : "s"} no model said` : "");
  const cost = synthesis.method === "model"
    ? ` · ${formatSeconds(synthesis.latency_ms)} · ${formatCost(synthesis.cost_usd)}` : "";
  return h("p", { class: "meta" }, line + cost);
}

export function synthesisSection(synthesis: Synthesis | null | undefined, html: string): HTMLElement {
  const section = h("section", { class: "card synthesis", "aria-labelledby": "synthesis-title" },
    h("h2", { id: "synthesis-title" }, "Synthesized answer"));
  if (!synthesis || synthesis.method === "none") {
    section.append(h("p", { class: "empty" }, synthesis?.note || "No synthesized answer: fewer than two models answered."));
    return section;
  }
  section.append(synthesisMeta(synthesis));
  if (synthesis.error) {
    section.append(h("p", { class: "warning", role: "note" },
      `The synthesizer failed (${synthesis.error.code}): ${synthesis.error.message} — this answer is the extractive fallback.`));
  }
  if (synthesis.note) section.append(h("p", { class: "hint" }, synthesis.note));
  const body = h("div", { class: "synthesis-html" });
  setServerRenderedHtml(body, html);
  const sentences = synthesis.sentences ?? [];
  markSentences(body, sentences);
  section.append(body);
  if (sentences.length) {
    section.append(h("details", { class: "support" },
      h("summary", {}, "Where each sentence comes from"),
      h("ol", {}, sentences.map((sentence) => h("li", { class: sentence.unsupported ? "unsupported" : "supported" },
        h("span", {}, sentence.text), " ",
        sentence.unsupported
          ? h("span", { class: "flag" }, "No model said this")
          : modelChips(sentence.models, "Supported by"))))));
  }
  return section;
}

// Marks each audited sentence inside the rendered HTML where it lies within one text node:
// unsupported ones are flagged, supported ones name their models on hover. DOM operations
// only; the list under the answer is the complete audit.
function markSentences(root: HTMLElement, sentences: SynthesisSentence[]): void {
  for (const sentence of sentences) {
    const needle = sentence.text.trim();
    if (needle.length < 2) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (node.parentElement?.closest(".sentence")) continue;
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const middle = node.splitText(at);
      middle.splitText(needle.length);
      const mark = h("span", {
        class: sentence.unsupported ? "sentence unsupported" : "sentence supported",
        title: sentence.unsupported ? "No model's answer supports this sentence" : `Supported by ${sentence.models.join(", ")}`,
      });
      middle.replaceWith(mark);
      mark.append(middle);
      if (sentence.unsupported) mark.after(h("span", { class: "flag-marker", role: "img", "aria-label": "unsupported" }, "⚠"));
      else mark.after(h("sup", { class: "support-marker", "aria-label": `supported by ${sentence.models.length}` }, String(sentence.models.length)));
      break;
    }
  }
}
