// The shapes of the HTTP API's JSON (docs/http-api.md) and of the Result
// (docs/result-json.md). Every string in them is untrusted: render with textContent.

export interface ApiError {
  code: string;
  message: string;
  http_status?: number;
  retry_after_seconds?: number;
}

export interface User {
  id: number | string;
  email: string;
  tier: "free" | "premium";
}

export interface Me {
  user: User | null;
  csrf_token: string;
}

export interface PanelMember {
  name: string;
  provider: string;
}

export interface Panel {
  name: string;
  premium: boolean;
  available: boolean;
  members: PanelMember[];
}

export interface Panels {
  default: string;
  panels: Panel[];
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  reported: boolean;
}

export interface Point {
  text: string;
  models: string[];
}

export interface Disagreement extends Point {
  kind: "contradiction" | "unique";
  versus_text?: string;
  versus: string[];
}

export interface Analysis {
  consensus: { score: number; label: string; meaning: string };
  representative?: string;
  agreements: Point[];
  disagreements: Disagreement[];
  pairwise: { models: string[]; agreement: number }[];
  similarity?: string;
}

export interface SynthesisSentence {
  text: string;
  models: string[];
  unsupported: boolean;
}

export interface Synthesis {
  method: "model" | "extractive" | "none";
  synthesizer?: string;
  basis?: string;
  text: string;
  sentences?: SynthesisSentence[];
  unsupported_sentences?: number;
  latency_ms?: number;
  cost_usd?: number;
  usage?: Usage;
  note?: string;
  error?: ApiError | null;
}

export interface AnswerJson {
  model: string;
  provider_model?: string;
  ok: boolean;
  text: string;
  finish_reason?: string;
  usage?: Usage;
  latency_ms?: number;
  first_token_ms?: number;
  cost_usd?: number;
  error?: ApiError | null;
}

export interface Result {
  question: string;
  panel: { name: string; members: number; answered: number; status: string; summary: string };
  analysis?: Analysis | null;
  synthesis?: Synthesis | null;
  answers: AnswerJson[];
  wall_ms?: number;
  total_cost_usd?: number;
}

export interface Rendered {
  synthesis_html: string;
  answers_html: string[];
}

export interface QuestionRecord {
  id: string;
  state: "running" | "complete" | "interrupted";
  question: string;
  panel: string;
  created_at: number;
  finished_at: number;
  result: Result | null;
  rendered: Rendered | null;
}

export interface HistoryItem {
  id: string;
  question: string;
  panel: string;
  state: string;
  summary: string;
  score: number | null;
  created_at: number;
}

// How far two panels' syntheses agree (the CLI's `drux ask --compare --json` comparison).
export interface Comparison {
  panels: string[];
  compared: string[];
  synthesis_agreement: number;
  shared_points: string[];
  only_a: string[];
  only_b: string[];
  note: string;
}

export interface ComparedQuestions {
  a: QuestionRecord;
  b: QuestionRecord;
  comparison: Comparison | null;
}
