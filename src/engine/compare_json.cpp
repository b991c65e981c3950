#include "engine/compare_json.h"

#include <nlohmann/json.hpp>

namespace drux {
namespace {

using nlohmann::json;

std::string StringField(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* ObjectField(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

// The parts of a Result that CompareResults reads, from its JSON (docs/result-json.md).
Expected<Result> ComparableResult(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "A result to compare is not a JSON object.");
  }
  Result result;
  result.question = StringField(parsed, "question");
  if (const json* panel = ObjectField(parsed, "panel")) result.panel = StringField(*panel, "name");
  if (const json* synthesis = ObjectField(parsed, "synthesis")) {
    result.synthesis.text = StringField(*synthesis, "text");
  }
  if (const json* analysis = ObjectField(parsed, "analysis")) {
    result.analysis.representative = StringField(*analysis, "representative");
  }
  if (const auto answers = parsed.find("answers"); answers != parsed.end() && answers->is_array()) {
    for (const json& item : *answers) {
      if (!item.is_object()) continue;
      Answer answer;
      answer.model = StringField(item, "model");
      answer.text = StringField(item, "text");
      const auto ok = item.find("ok");
      if (ok == item.end() || !ok->is_boolean() || !ok->get<bool>()) {
        answer.error = Error{ErrorCode::kProviderError, "the member did not answer", 0};
      }
      result.answers.push_back(std::move(answer));
    }
  }
  return result;
}

}  // namespace

Expected<Comparison> CompareResultJsons(const std::string& a_json, const std::string& b_json) {
  const auto a = ComparableResult(a_json);
  if (!a) return tl::unexpected(a.error());
  const auto b = ComparableResult(b_json);
  if (!b) return tl::unexpected(b.error());
  return CompareResults(*a, *b);
}

}  // namespace drux
