#include "analysis/analysis_jsonl.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace drux {
namespace {

using nlohmann::json;
// Output records keep their keys in the documented order.
using ordered_json = nlohmann::ordered_json;

// Lines analysed together when weights are not learned: bounds memory on long inputs.
constexpr size_t kBlockLines = 1024;

tl::unexpected<Error> Malformed(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Expected<Answer> ParseAnswer(const json& value, size_t index) {
  const std::string where = "answers[" + std::to_string(index) + "]";
  if (!value.is_object()) return Malformed(where + " is not an object");
  const auto model = value.find("model");
  if (model == value.end() || !model->is_string() || model->get<std::string>().empty()) {
    return Malformed(where + " has no \"model\" string");
  }
  Answer answer;
  answer.model = model->get<std::string>();
  const auto text = value.find("text");
  if (text != value.end() && !text->is_null()) {
    if (!text->is_string()) return Malformed(where + " \"text\" is not a string");
    answer.text = text->get<std::string>();
  }
  const auto error = value.find("error");
  if (error != value.end() && !error->is_null()) {
    if (!error->is_string()) return Malformed(where + " \"error\" is not a string");
    answer.error = Error{ErrorCode::kProviderError, error->get<std::string>(), 0, 0};
  }
  return answer;
}

Expected<std::vector<Answer>> ParseAnswers(const json& record) {
  const auto answers = record.find("answers");
  if (answers == record.end() || !answers->is_array()) {
    return Malformed("no \"answers\" array");
  }
  std::vector<Answer> parsed;
  std::set<std::string> models;
  for (size_t i = 0; i < answers->size(); ++i) {
    auto answer = ParseAnswer((*answers)[i], i);
    if (!answer) return tl::unexpected(answer.error());
    if (!models.insert(answer->model).second) {
      return Malformed("model \"" + answer->model + "\" answers twice");
    }
    parsed.push_back(std::move(*answer));
  }
  return parsed;
}

// The "id" of a record, when it is a string or number; else null.
json IdOf(const json& record) {
  if (!record.is_object()) return nullptr;
  const auto id = record.find("id");
  if (id == record.end() || !(id->is_string() || id->is_number())) return nullptr;
  return *id;
}

struct ParsedLine {
  json id;  // as given, or null
  Expected<PanelQuestion> question;
};

Expected<PanelQuestion> ParseRecord(const json& record) {
  if (record.is_discarded()) return Malformed("not valid JSON");
  if (!record.is_object()) return Malformed("not a JSON object");
  PanelQuestion question;
  if (const auto id = record.find("id"); id != record.end() && !id->is_null()) {
    if (id->is_string()) {
      question.id = id->get<std::string>();
    } else if (id->is_number()) {
      question.id = id->dump();
    } else {
      return Malformed("\"id\" is not a string or number");
    }
  }
  if (const auto text = record.find("question"); text != record.end() && !text->is_null()) {
    if (!text->is_string()) return Malformed("\"question\" is not a string");
    question.question = text->get<std::string>();
  }
  auto answers = ParseAnswers(record);
  if (!answers) return tl::unexpected(answers.error());
  question.answers = std::move(*answers);
  return question;
}

ParsedLine ParseLine(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
    return {nullptr, Malformed("blank line")};
  }
  const json record = json::parse(line, nullptr, false);
  return {IdOf(record), ParseRecord(record)};
}

double Rounded(double value, double scale) {
  return std::round(value * scale) / scale;
}

ordered_json PairwiseJson(const Analysis& analysis) {
  ordered_json pairwise = ordered_json::object();
  for (const PairwiseAgreement& pair : analysis.pairwise) {
    const double agreement = Rounded(pair.agreement, 1e4);
    pairwise[pair.model_a][pair.model_b] = agreement;
    pairwise[pair.model_b][pair.model_a] = agreement;
  }
  return pairwise;
}

ordered_json DisagreementsJson(const Analysis& analysis) {
  ordered_json disagreements = ordered_json::array();
  for (const DisagreementPoint& point : analysis.disagreements) {
    const bool contradiction = point.kind == DisagreementPoint::Kind::kContradiction;
    ordered_json entry = {{"kind", contradiction ? "contradiction" : "unique"},
                          {"text", point.text},
                          {"models", point.models},
                          {"versus", point.versus}};
    if (contradiction) entry["versus_text"] = point.versus_text;
    disagreements.push_back(std::move(entry));
  }
  return disagreements;
}

// One block of lines: parse, analyse the well-formed ones together, write in order.
Expected<JsonLinesSummary> AnalyzeBlock(const std::vector<std::string>& lines,
                                        size_t first_line_number, std::ostream& out,
                                        const SimilarityFactory& make_similarity,
                                        const BatchOptions& options) {
  std::vector<ParsedLine> parsed;
  std::vector<PanelQuestion> questions;
  for (const std::string& line : lines) {
    parsed.push_back(ParseLine(line));
    if (parsed.back().question) questions.push_back(*parsed.back().question);
  }
  auto batch = AnalyzeBatch(questions, make_similarity, options);
  if (!batch) return tl::unexpected(batch.error());
  JsonLinesSummary summary;
  size_t next_analysis = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    ++summary.lines;
    const ParsedLine& line = parsed[i];
    if (line.question) {
      ++summary.analysed;
      summary.answers += line.question->answers.size();
      out << AnalysisJsonLine(line.id.dump(), batch->analyses[next_analysis++]) << '\n';
    } else {
      ++summary.errors;
      out << ErrorJsonLine(first_line_number + i, lines[i], line.question.error()) << '\n';
    }
  }
  if (!out) return MakeError(ErrorCode::kInternal, "Cannot write the output; is the disk full?");
  return summary;
}

}  // namespace

Expected<PanelQuestion> ParsePanelQuestion(std::string_view line) {
  return ParseLine(line).question;
}

std::string AnalysisJsonLine(std::string_view id_json, const Analysis& analysis) {
  ordered_json agreements = ordered_json::array();
  for (const AgreementPoint& point : analysis.agreements) {
    agreements.push_back({{"text", point.text}, {"models", point.models}});
  }
  const ordered_json record = {
      {"id", ordered_json::parse(id_json, nullptr, false)},
      {"consensus",
       {{"score", Rounded(analysis.consensus.score, 100)}, {"label", analysis.consensus.label}}},
      {"representative", analysis.representative},
      {"agreements", std::move(agreements)},
      {"disagreements", DisagreementsJson(analysis)},
      {"pairwise", PairwiseJson(analysis)},
  };
  return record.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string ErrorJsonLine(size_t line_number, std::string_view line, const Error& error) {
  const ordered_json record = {
      {"id", IdOf(json::parse(line, nullptr, false))},
      {"line", line_number},
      {"error",
       {{"code", ErrorCodeName(error.code)},
        {"message", "line " + std::to_string(line_number) + ": " + error.message}}},
  };
  return record.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Expected<JsonLinesSummary> AnalyzeJsonLines(std::istream& in, std::ostream& out,
                                            const SimilarityFactory& make_similarity,
                                            const BatchOptions& options) {
  const size_t block_lines =
      options.learn_model_weights ? std::numeric_limits<size_t>::max() : kBlockLines;
  JsonLinesSummary total;
  std::vector<std::string> block;
  size_t first_line_number = 1;
  const auto flush = [&]() -> Expected<void> {
    auto summary = AnalyzeBlock(block, first_line_number, out, make_similarity, options);
    if (!summary) return tl::unexpected(summary.error());
    total.lines += summary->lines;
    total.analysed += summary->analysed;
    total.errors += summary->errors;
    total.answers += summary->answers;
    first_line_number += block.size();
    block.clear();
    return {};
  };
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    block.push_back(std::move(line));
    if (block.size() < block_lines) continue;
    if (auto flushed = flush(); !flushed) return tl::unexpected(flushed.error());
  }
  if (!block.empty()) {
    if (auto flushed = flush(); !flushed) return tl::unexpected(flushed.error());
  }
  return total;
}

}  // namespace drux
