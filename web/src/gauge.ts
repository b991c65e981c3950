// The Consensus Score as a half-circle gauge with its label, meaning and, one click away,
// how it was computed.
import { h } from "./dom";
import type { Analysis } from "./types";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  return element;
}

function level(score: number): string {
  return score >= 85 ? "high" : score >= 60 ? "medium" : "low";
}

export function consensusSection(analysis: Analysis): HTMLElement {
  const score = Math.max(0, Math.min(100, analysis.consensus.score));
  const rounded = Math.round(score);
  const arc = "M 10 60 A 50 50 0 0 1 110 60";
  const picture = svg("svg", { viewBox: "0 0 120 70", class: "gauge-arc", "aria-hidden": "true" });
  picture.append(
    svg("path", { d: arc, class: "track", pathLength: "100" }),
    svg("path", { d: arc, class: `value ${level(score)}`, pathLength: "100", "stroke-dasharray": `${score} 100` }),
  );
  const pairs = analysis.pairwise ?? [];
  return h("section", { class: "card consensus", "aria-labelledby": "consensus-title" },
    h("h2", { id: "consensus-title" }, "Consensus Score"),
    h("div", { class: "gauge" },
      picture,
      h("p", { class: "score", "data-testid": "consensus-score" },
        h("span", { class: "number" }, `${rounded} %`),
        h("span", { class: `label ${level(score)}` }, analysis.consensus.label))),
    h("p", { class: "meaning" }, analysis.consensus.meaning),
    h("details", { class: "how" },
      h("summary", {}, "How is this computed?"),
      h("p", {}, "Each answer is split into claims (its sentences and list items). Claims that say the same thing " +
        "are matched across answers" + (analysis.similarity ? ` (similarity: ${analysis.similarity})` : "") + ". " +
        "For every pair of answers, agreement is the F1 of their claim coverage: the share of one answer's claims " +
        "found in the other, taken both ways. The Consensus Score combines these pairwise agreements into 0–100 %."),
      pairs.length
        ? h("table", { class: "pairwise" },
            h("caption", {}, "Pairwise agreement"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Answers"), h("th", { scope: "col" }, "Agreement"))),
            h("tbody", {}, pairs.map((pair) =>
              h("tr", {}, h("td", {}, pair.models.join(" ↔ ")), h("td", {}, `${Math.round(pair.agreement * 100)} %`)))))
        : h("p", {}, "Fewer than two answers: there is no pair to compare.")),
  );
}
