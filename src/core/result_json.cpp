#include "core/result_json.h"

#include <nlohmann/json.hpp>

namespace drux {
namespace {

using nlohmann::json;

json ErrorJson(const Error& error) {
  json out = {{"code", ErrorCodeName(error.code)}, {"message", error.message}};
  if (error.http_status != 0) out["http_status"] = error.http_status;
  if (error.retry_after_seconds != 0) out["retry_after_seconds"] = error.retry_after_seconds;
  return out;
}

json UsageJson(const TokenUsage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"cached_prompt_tokens", usage.cached_prompt_tokens},
          {"reasoning_tokens", usage.reasoning_tokens},
          {"reported", usage.reported}};
}

json AnswerJson(const Answer& answer) {
  json out = {
      {"model", answer.model},
      {"provider_model", answer.provider_model},
      {"ok", answer.ok()},
      {"text", answer.text},
      {"finish_reason", answer.finish_reason},
      {"usage", UsageJson(answer.usage)},
      {"latency_ms", answer.latency_ms},
      {"first_token_ms", answer.first_token_ms},
      {"cost_usd", answer.cost_usd},
      {"answered_by", answer.answered_by},
      {"attempts", answer.attempts},
      {"skipped", answer.skipped},
      {"reasoning", answer.reasoning},
      {"citations", answer.citations},
      {"error", nullptr},
  };
  if (answer.error) out["error"] = ErrorJson(*answer.error);
  return out;
}

const char* DisagreementKindName(DisagreementPoint::Kind kind) {
  return kind == DisagreementPoint::Kind::kContradiction ? "contradiction" : "unique";
}

json AnalysisJson(const Analysis& analysis) {
  json agreements = json::array();
  for (const AgreementPoint& point : analysis.agreements) {
    agreements.push_back({{"text", point.text}, {"models", point.models}});
  }
  json disagreements = json::array();
  for (const DisagreementPoint& point : analysis.disagreements) {
    json item = {{"kind", DisagreementKindName(point.kind)},
                 {"text", point.text},
                 {"models", point.models},
                 {"versus", point.versus}};
    if (!point.versus_text.empty()) item["versus_text"] = point.versus_text;
    disagreements.push_back(std::move(item));
  }
  json pairwise = json::array();
  for (const PairwiseAgreement& pair : analysis.pairwise) {
    pairwise.push_back({{"models", {pair.model_a, pair.model_b}}, {"agreement", pair.agreement}});
  }
  return {
      {"consensus",
       {{"score", analysis.consensus.score},
        {"label", analysis.consensus.label},
        {"meaning", analysis.consensus.meaning}}},
      {"representative", analysis.representative},
      {"agreements", std::move(agreements)},
      {"disagreements", std::move(disagreements)},
      {"pairwise", std::move(pairwise)},
      {"similarity", analysis.similarity},
  };
}

json PointJson(const SynthesisPoint& point) {
  json out = {{"text", point.text},
              {"models", point.models},
              {"unconfirmed", point.unconfirmed},
              {"confirmed", point.confirmed()}};
  if (!point.versus_text.empty() || !point.versus.empty() || !point.versus_unconfirmed.empty()) {
    out["versus_text"] = point.versus_text;
    out["versus"] = point.versus;
    out["versus_unconfirmed"] = point.versus_unconfirmed;
  }
  return out;
}

json PointsJson(const std::vector<SynthesisPoint>& points) {
  json out = json::array();
  for (const SynthesisPoint& point : points) out.push_back(PointJson(point));
  return out;
}

json SynthesisJson(const Synthesis& synthesis) {
  json sentences = json::array();
  std::size_t unsupported = 0;
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    sentences.push_back({{"text", sentence.text},
                         {"models", sentence.models},
                         {"unsupported", sentence.models.empty()}});
    unsupported += sentence.models.empty() ? 1 : 0;
  }
  json anonymized = json::array();
  for (const AnonymizedModel& entry : synthesis.anonymized) {
    anonymized.push_back({{"label", entry.label}, {"model", entry.model}});
  }
  json out = {{"method", synthesis.method},
              {"synthesizer", synthesis.synthesizer},
              {"prompt", synthesis.prompt},
              {"basis", synthesis.basis},
              {"text", synthesis.text},
              {"sentences", std::move(sentences)},
              {"unsupported_sentences", unsupported},
              {"agreements", PointsJson(synthesis.agreements)},
              {"disagreements", PointsJson(synthesis.disagreements)},
              {"dropped_points", synthesis.dropped_points},
              {"points_error", nullptr},
              {"anonymized", std::move(anonymized)},
              {"usage", UsageJson(synthesis.usage)},
              {"latency_ms", synthesis.latency_ms},
              {"cost_usd", synthesis.cost_usd},
              {"audit_ms", synthesis.audit_ms},
              {"note", synthesis.note},
              {"error", nullptr}};
  if (synthesis.points_error) out["points_error"] = ErrorJson(*synthesis.points_error);
  if (synthesis.error) out["error"] = ErrorJson(*synthesis.error);
  return out;
}

// Every round's cost; the answers of the rounds before the last, whose own answers are the
// result's "answers".
json RoundsJson(const std::vector<PanelRound>& rounds) {
  json out = json::array();
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    const RoundCost cost = CostOfRound(rounds[i].answers);
    json round = {{"round", i + 1},
                  {"members", rounds[i].answers.size()},
                  {"answered", cost.answered},
                  {"prompt_tokens", cost.prompt_tokens},
                  {"completion_tokens", cost.completion_tokens},
                  {"cost_usd", cost.cost_usd},
                  {"wall_ms", rounds[i].wall_ms},
                  {"answers", nullptr}};
    if (i + 1 < rounds.size()) {
      round["answers"] = json::array();
      for (const Answer& answer : rounds[i].answers) round["answers"].push_back(AnswerJson(answer));
    }
    out.push_back(std::move(round));
  }
  return out;
}

}  // namespace

std::string ResultToJson(const Result& result, int indent) {
  json answers = json::array();
  std::size_t answered = 0;
  for (const Answer& answer : result.answers) {
    answers.push_back(AnswerJson(answer));
    answered += answer.ok() ? 1 : 0;
  }
  const json out = {
      {"question", result.question},
      {"panel",
       {{"name", result.panel},
        {"members", result.answers.size()},
        {"answered", answered},
        {"status", ResultStatusName(result.status)},
        {"summary", result.summary}}},
      {"analysis", AnalysisJson(result.analysis)},
      {"synthesis", SynthesisJson(result.synthesis)},
      {"answers", std::move(answers)},
      {"rounds", RoundsJson(result.rounds)},
      {"wall_ms", result.wall_ms},
      {"total_cost_usd", result.total_cost_usd},
  };
  // Text is valid UTF-8 by construction; replace rather than throw if a bug lets an
  // invalid byte through.
  return out.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace drux
