// "Export as Markdown": the whole result as one .md document, built from the Result.
import { formatCost, formatSeconds } from "./dom";
import type { QuestionRecord } from "./types";

function models(names: string[]): string {
  return names.length ? ` (${names.join(", ")})` : "";
}

// Keeps a one-line value from breaking the list or heading it sits in.
function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

export function resultMarkdown(record: QuestionRecord, permalink: string): string {
  const result = record.result;
  const lines: string[] = [`# ${inline(record.question)}`, ""];
  if (!result) {
    lines.push(`State: ${record.state}. No result was stored.`, "", `Permalink: ${permalink}`, "");
    return lines.join("\n");
  }
  lines.push(`Panel **${result.panel.name}**: ${result.panel.summary}`, "");
  const analysis = result.analysis;
  if (analysis) {
    const c = analysis.consensus;
    lines.push(`## Consensus Score: ${Math.round(c.score)} % — ${c.label}`, "", c.meaning, "");
    lines.push("## Models agree on", "");
    if (analysis.agreements.length === 0) lines.push("No point that (nearly) every model made.");
    for (const point of analysis.agreements) lines.push(`- ${inline(point.text)}${models(point.models)}`);
    lines.push("", "## Points of disagreement", "");
    if (analysis.disagreements.length === 0) lines.push("None found.");
    for (const point of analysis.disagreements) {
      if (point.kind === "contradiction") {
        lines.push(`- ${point.models.join(", ")} says: ${inline(point.text)} / ` +
          `${point.versus.join(", ")} says: ${inline(point.versus_text ?? "")}`);
      } else {
        lines.push(`- Only ${point.models.join(", ")}: ${inline(point.text)}`);
      }
    }
    lines.push("");
  }
  const synthesis = result.synthesis;
  if (synthesis && synthesis.method !== "none") {
    lines.push("## Synthesized answer", "", synthesis.text.trim(), "");
    const unsupported = (synthesis.sentences ?? []).filter((s) => s.unsupported);
    if (unsupported.length) {
      lines.push("Sentences no model's answer supports:", "");
      for (const sentence of unsupported) lines.push(`- ${inline(sentence.text)}`);
      lines.push("");
    }
  }
  lines.push("## Answers", "");
  for (const answer of result.answers) {
    const tokens = answer.usage ? `${answer.usage.prompt_tokens} + ${answer.usage.completion_tokens} tokens` : "";
    lines.push(`### ${inline(answer.model)}`, "",
      `${formatSeconds(answer.latency_ms)} · ${tokens} · ${formatCost(answer.cost_usd)}`, "");
    if (!answer.ok) lines.push(`**Failed** (${answer.error?.code ?? "error"}): ${inline(answer.error?.message ?? "")}`, "");
    if (answer.text) lines.push(answer.text.trim(), "");
  }
  lines.push(`Permalink: ${permalink}`, "");
  return lines.join("\n");
}

export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
