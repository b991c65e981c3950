#include "synthesis/synthesize.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "core/result.h"
#include "synthesis/anonymized_answers.h"
#include "synthesis/extractive_synthesis.h"
#include "synthesis/prompt_template.h"
#include "synthesis/structured_points.h"
#include "synthesis/synthesis_audit.h"

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::size_t CountingAnswers(const std::vector<Answer>& answers) {
  return static_cast<std::size_t>(
      std::count_if(answers.begin(), answers.end(), [](const Answer& a) {
        return a.ok() && a.text.find_first_not_of(" \t\r\n") != std::string::npos;
      }));
}

// "all 4 answers", or "partial panel: 3 of 4 answered · 1 timed out".
std::string BasisOf(const std::vector<Answer>& answers) {
  if (StatusOf(answers) == ResultStatus::kComplete) {
    return answers.size() == 2 ? "both answers"
                               : "all " + std::to_string(answers.size()) + " answers";
  }
  return "partial panel: " + SummaryOf(answers);
}

std::string JoinLabels(const std::vector<std::string>& models,
                       const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const std::string& model : models) {
    const auto label = labels.find(model);
    if (label != labels.end()) out += (out.empty() ? "" : ", ") + label->second;
  }
  return out;
}

// The analysis in the answers' labels, for the prompt.
std::string DescribeAnalysis(const Analysis& analysis,
                             const std::map<std::string, std::string>& labels) {
  char score[96];
  std::snprintf(score, sizeof score, "Consensus Score: %.0f of 100 (", analysis.consensus.score);
  std::string out = score + analysis.consensus.label + ").\n";
  out += "Points (nearly) all answers make:\n";
  if (analysis.agreements.empty()) out += "- none\n";
  for (const AgreementPoint& point : analysis.agreements) {
    out += "- " + point.text + " (" + JoinLabels(point.models, labels) + ")\n";
  }
  std::string contradictions;
  std::string unique;
  for (const DisagreementPoint& point : analysis.disagreements) {
    if (point.kind == DisagreementPoint::Kind::kContradiction) {
      contradictions += "- " + JoinLabels(point.models, labels) + ": " + point.text + " | versus " +
                        JoinLabels(point.versus, labels) + ": " + point.versus_text + "\n";
    } else {
      unique += "- " + JoinLabels(point.models, labels) + " only: " + point.text + "\n";
    }
  }
  out +=
      "Contradictions between answers:\n" + (contradictions.empty() ? "- none\n" : contradictions);
  out += "Points only one answer makes:\n" + (unique.empty() ? "- none\n" : unique);
  return out;
}

std::string DescribePanel(const std::vector<Answer>& answers, std::size_t counting) {
  if (StatusOf(answers) == ResultStatus::kComplete && counting == answers.size()) {
    return std::to_string(counting) + " models were asked and all of them answered.";
  }
  return std::to_string(answers.size()) + " models were asked and " + std::to_string(counting) +
         " gave an answer (" + SummaryOf(answers) +
         "). The panel is partial: do not present these answers as the view of every model.";
}

std::string SecondsText(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

// The state of one synthesizer at work: its clock, budget, calls and what they cost.
class SynthesizerRun {
 public:
  SynthesizerRun(const Synthesizer& synthesizer, const SynthesisOptions& options,
                 const SynthesisEventSink& on_event, const std::atomic<bool>* cancel)
      : synthesizer_(synthesizer), options_(options), on_event_(on_event), cancel_(cancel) {}

  // One call within what is left of the budget; streams text to the sink when stream_text.
  Answer Call(const ChatRequest& request, bool stream_text) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        options_.timeout - (Clock::now() - start_));
    Answer answer;
    if (left.count() <= 0) {
      answer.error = Error{ErrorCode::kTimeout, synthesizer_.spec.name +
                                                    " had no time left of the synthesis's " +
                                                    SecondsText(options_.timeout) + " s"};
      return answer;
    }
    const CallLimits limits{options_.connect_timeout, left, cancel_};
    answer = synthesizer_.provider->Complete(request, limits, [&](std::string_view piece) {
      if (!stream_text || !on_event_) return;
      on_event_({SynthesisEvent::Kind::kText, std::string(piece), ++pieces_,
                 MillisecondsSince(start_), std::nullopt});
    });
    usage_.prompt_tokens += answer.usage.prompt_tokens;
    usage_.completion_tokens += answer.usage.completion_tokens;
    usage_.reported = answer.usage.reported;
    return answer;
  }

  void Fill(Synthesis& synthesis) const {
    synthesis.usage = usage_;
    synthesis.latency_ms = MillisecondsSince(start_);
    synthesis.cost_usd = (usage_.prompt_tokens * synthesizer_.spec.price_input_per_mtok +
                          usage_.completion_tokens * synthesizer_.spec.price_output_per_mtok) /
                         1e6;
  }

 private:
  const Clock::time_point start_ = Clock::now();
  const Synthesizer& synthesizer_;
  const SynthesisOptions& options_;
  const SynthesisEventSink& on_event_;
  const std::atomic<bool>* cancel_;
  int pieces_ = 0;
  TokenUsage usage_;
};

struct Prompts {
  PromptTemplate answer;
  PromptTemplate points;
};

Expected<Prompts> LoadPrompts(const SynthesisOptions& options) {
  auto answer = LoadPrompt(kSynthesisPrompt, options.prompt_path, {"question", "answers"});
  if (!answer) return tl::unexpected(answer.error());
  auto points = LoadPrompt(kSynthesisPointsPrompt, options.points_prompt_path);
  if (!points) return tl::unexpected(points.error());
  return Prompts{std::move(*answer), std::move(*points)};
}

Error SynthesizerError(const std::string& name, const Error& error) {
  Error out = error;
  out.message =
      "The synthesizer " + name + " failed, so the extractive synthesis is shown: " + error.message;
  return out;
}

// The structured points: asked after the answer in the same conversation, so that a
// server's prompt cache reuses the first call's prompt and the points match the answer.
void AddPoints(SynthesizerRun& run, const std::vector<ChatMessage>& conversation,
               const std::string& points_prompt, const std::vector<AnonymizedModel>& order,
               const std::vector<Answer>& answers, const SynthesisOptions& options,
               Synthesis& synthesis) {
  std::vector<std::string> labels;
  for (const AnonymizedModel& entry : order) labels.push_back(entry.label);
  std::string label_list;
  for (const std::string& label : labels) label_list += (label_list.empty() ? "" : ", ") + label;
  ChatRequest request;
  request.messages = conversation;
  request.messages.push_back(
      {"user",
       RenderPrompt(points_prompt, {{"labels", label_list},
                                    {"max_points", std::to_string(options.points.max_points)}})});
  request.max_tokens = options.points_max_tokens;
  request.temperature = 0;
  request.seed = options.seed;
  request.structured_output = PointsOutputFormat(labels, options.points);
  const Answer reply = run.Call(request, false);
  if (!reply.ok()) {
    synthesis.points_error = reply.error;
    return;
  }
  auto parsed = ParsePoints(reply.text);
  if (!parsed) {
    synthesis.points_error = parsed.error();
    if (reply.finish_reason == "length") {
      synthesis.points_error->message += " (the reply reached its limit of " +
                                         std::to_string(options.points_max_tokens) + " tokens)";
    }
    return;
  }
  // Labels cited in a point's wording become names, which are attribution, not content.
  std::vector<std::string> names;
  for (const AnonymizedModel& entry : order) names.push_back(entry.model);
  for (auto* list : {&parsed->agreements, &parsed->disagreements}) {
    for (LabelledPoint& point : *list) {
      point.text = NameLabelledModels(point.text, order);
      point.versus_text = NameLabelledModels(point.versus_text, order);
    }
  }
  SupportIndex index(answers, options.audit);
  index.IgnoreModelNames(names);
  CheckedPoints checked = CheckPoints(*parsed, order, index);
  synthesis.agreements = std::move(checked.agreements);
  synthesis.disagreements = std::move(checked.disagreements);
  synthesis.dropped_points = checked.dropped;
}

// The synthesizer's synthesis, or its error.
Expected<Synthesis> WriteWithModel(std::string_view question, const std::vector<Answer>& answers,
                                   const Analysis& analysis, const Synthesizer& synthesizer,
                                   const SynthesisOptions& options, SynthesizerRun& run) {
  const auto prompts = LoadPrompts(options);
  if (!prompts) return tl::unexpected(prompts.error());
  Synthesis synthesis;
  synthesis.method = "model";
  synthesis.synthesizer = synthesizer.spec.name;
  synthesis.prompt = prompts->answer.version;
  const std::uint32_t seed = options.seed.value_or(SeedFromText(question));
  synthesis.anonymized = AnonymizeAnswers(answers, seed);
  const std::map<std::string, std::string> labels = LabelsByModel(synthesis.anonymized);

  ChatRequest request;
  request.messages = {
      {"user", RenderPrompt(prompts->answer.text,
                            {{"question", std::string(question)},
                             {"panel", DescribePanel(answers, labels.size())},
                             {"answers", RenderAnonymizedAnswers(synthesis.anonymized, answers)},
                             {"analysis", DescribeAnalysis(analysis, labels)}})}};
  request.max_tokens = options.max_tokens;
  request.temperature = options.temperature;
  request.seed = options.seed;
  const Answer written = run.Call(request, true);
  if (!written.ok()) return tl::unexpected(*written.error);
  if (written.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return MakeError(ErrorCode::kMalformedResponse,
                     synthesizer.spec.name + " returned an empty answer (finish reason \"" +
                         written.finish_reason + "\")");
  }
  if (written.finish_reason == "length") {
    synthesis.note = "The synthesizer's answer was cut off after " +
                     std::to_string(written.usage.completion_tokens) +
                     " tokens, at its limit or at the end of its context.";
  }
  std::vector<ChatMessage> conversation = request.messages;
  conversation.push_back({"assistant", written.text});
  AddPoints(run, conversation, prompts->points.text, synthesis.anonymized, answers, options,
            synthesis);
  synthesis.text = NameLabelledModels(written.text, synthesis.anonymized);
  return synthesis;
}

}  // namespace

Synthesis Synthesize(std::string_view question, const std::vector<Answer>& answers,
                     const Analysis& analysis, const Synthesizer* synthesizer,
                     const SynthesisOptions& options, const SynthesisEventSink& on_event,
                     const std::atomic<bool>* cancel) {
  Synthesis synthesis;
  if (CountingAnswers(answers) < 2 || synthesizer == nullptr) {
    synthesis = SynthesizeExtractive(answers, analysis, options);
  } else if (synthesizer->provider == nullptr) {
    synthesis = SynthesizeExtractive(answers, analysis, options);
    synthesis.error = SynthesizerError(
        synthesizer->spec.name, synthesizer->creation_error.value_or(Error{
                                    ErrorCode::kInternal, "no provider was created for it", 0, 0}));
  } else {
    if (on_event) on_event({SynthesisEvent::Kind::kStarted, {}, 0, 0, std::nullopt});
    SynthesizerRun run(*synthesizer, options, on_event, cancel);
    auto written = WriteWithModel(question, answers, analysis, *synthesizer, options, run);
    if (written) {
      synthesis = std::move(*written);
    } else {
      synthesis = SynthesizeExtractive(answers, analysis, options);
      synthesis.error = SynthesizerError(synthesizer->spec.name, written.error());
    }
    // A failed synthesizer's tokens were spent all the same.
    run.Fill(synthesis);
    if (on_event) {
      on_event({SynthesisEvent::Kind::kFinished, {}, 0, synthesis.latency_ms, synthesis.error});
    }
  }
  if (synthesis.method != "none") synthesis.basis = BasisOf(answers);
  AuditSynthesis(answers, options.audit, &synthesis);
  return synthesis;
}

}  // namespace drux
