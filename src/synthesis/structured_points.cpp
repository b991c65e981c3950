#include "synthesis/structured_points.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace drux {
namespace {

using Json = nlohmann::json;

// A GBNF string literal for text (a label): quotes and backslashes escaped.
std::string GbnfLiteral(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// item, then up to max - 1 more items separated by commas; optional when empty_allowed.
std::string GbnfList(const std::string& item, std::size_t max, bool empty_allowed) {
  std::string list = item;
  if (max > 1) list += " (\",\" " + item + "){0," + std::to_string(max - 1) + "}";
  return empty_allowed ? "(" + list + ")?" : list;
}

std::string PointsGrammar(const std::vector<std::string>& labels, const PointsLimits& limits) {
  std::string label_rule;
  for (const std::string& label : labels) {
    label_rule += (label_rule.empty() ? "" : " | ") + GbnfLiteral("\"" + label + "\"");
  }
  const std::string max_chars = std::to_string(std::max<std::size_t>(1, limits.max_chars));
  const std::size_t max_points = std::max<std::size_t>(1, limits.max_points);
  std::string grammar;
  grammar += "root ::= \"{\\\"agreements\\\":[\" " + GbnfList("agreement", max_points, true) +
             " \"],\\\"disagreements\\\":[\" " + GbnfList("disagreement", max_points, true) +
             " \"]}\"\n";
  grammar += "agreement ::= \"{\\\"text\\\":\" text \",\\\"models\\\":\" models \"}\"\n";
  grammar +=
      "disagreement ::= \"{\\\"text\\\":\" text \",\\\"models\\\":\" models "
      "\",\\\"versus_text\\\":\" versustext \",\\\"versus\\\":\" versus \"}\"\n";
  grammar += "text ::= \"\\\"\" char{1," + max_chars + "} \"\\\"\"\n";
  grammar += "versustext ::= \"\\\"\" char{0," + max_chars + "} \"\\\"\"\n";
  grammar += "char ::= [^\"\\\\\\x00-\\x1F\\x7F] | \"\\\\\" [\"\\\\/bfnrt]\n";
  grammar += "models ::= \"[\" " + GbnfList("label", labels.size(), false) + " \"]\"\n";
  grammar += "versus ::= \"[\" " + GbnfList("label", labels.size(), true) + " \"]\"\n";
  grammar += "label ::= " + label_rule + "\n";
  return grammar;
}

Json PointsSchema(const std::vector<std::string>& labels, const PointsLimits& limits) {
  const Json text = {{"type", "string"}, {"minLength", 1}, {"maxLength", limits.max_chars}};
  const Json versus_text = {{"type", "string"}, {"maxLength", limits.max_chars}};
  const Json models = {{"type", "array"},
                       {"items", {{"type", "string"}, {"enum", labels}}},
                       {"minItems", 1},
                       {"maxItems", labels.size()}};
  Json versus = models;
  versus["minItems"] = 0;
  const Json agreement = {{"type", "object"},
                          {"properties", {{"text", text}, {"models", models}}},
                          {"required", {"text", "models"}},
                          {"additionalProperties", false}};
  const Json disagreement = {
      {"type", "object"},
      {"properties",
       {{"text", text}, {"models", models}, {"versus_text", versus_text}, {"versus", versus}}},
      {"required", {"text", "models", "versus_text", "versus"}},
      {"additionalProperties", false}};
  const auto list = [&](const Json& item) {
    return Json{{"type", "array"}, {"items", item}, {"maxItems", limits.max_points}};
  };
  return {{"type", "object"},
          {"properties", {{"agreements", list(agreement)}, {"disagreements", list(disagreement)}}},
          {"required", {"agreements", "disagreements"}},
          {"additionalProperties", false}};
}

// The JSON start of a reply for an error message.
std::string Quote(std::string_view reply) {
  constexpr std::size_t kMaxBytes = 120;
  std::string start(reply.substr(0, CompleteUtf8Prefix(reply.substr(0, kMaxBytes))));
  std::replace(start.begin(), start.end(), '\n', ' ');
  return "\"" + SanitizeUtf8(start) + (reply.size() > kMaxBytes ? "...\"" : "\"");
}

tl::unexpected<Error> Malformed(const std::string& what) {
  return MakeError(ErrorCode::kMalformedResponse, "the synthesizer's points are unusable: " + what);
}

// The JSON value the reply holds: the reply from its first '{', else what lies between
// its first '{' and last '}'.
Expected<Json> ParseObject(std::string_view reply) {
  const std::size_t open = reply.find('{');
  if (open == std::string_view::npos) return Malformed("the reply holds no JSON: " + Quote(reply));
  const std::string_view json = reply.substr(open);
  try {
    return Json::parse(json);
  } catch (const Json::parse_error& error) {
    const std::size_t close = reply.rfind('}');
    if (close != std::string_view::npos && close > open) {
      Json inner = Json::parse(reply.substr(open, close - open + 1), nullptr, false);
      if (!inner.is_discarded()) return inner;
    }
    // nlohmann counts bytes from 1 and reports the end of input one past the last byte.
    if (error.byte > json.size()) {
      return Malformed("its JSON is cut off: the reply ended after " + std::to_string(json.size()) +
                       " bytes of JSON, before the JSON did: " + Quote(json));
    }
    return Malformed("its JSON is broken at byte " + std::to_string(error.byte) + ": " +
                     Quote(json));
  }
}

// Reads member key of item as a list of strings into out; false when it is something else.
bool ReadLabels(const Json& item, const char* key, bool required, std::vector<std::string>& out) {
  const auto found = item.find(key);
  if (found == item.end()) return !required;
  if (!found->is_array()) return false;
  for (const Json& label : *found) {
    if (!label.is_string()) return false;
    out.push_back(label.get<std::string>());
  }
  return true;
}

Expected<std::vector<LabelledPoint>> ReadList(const Json& root, const char* key) {
  const auto list = root.find(key);
  if (list == root.end() || !list->is_array()) {
    return Malformed("its JSON has no \"" + std::string(key) + "\" list");
  }
  std::vector<LabelledPoint> points;
  for (const Json& item : *list) {
    LabelledPoint point;
    const auto text = item.is_object() ? item.find("text") : item.end();
    const auto versus_text = item.is_object() ? item.find("versus_text") : item.end();
    const bool valid = text != item.end() && text->is_string() &&
                       ReadLabels(item, "models", true, point.labels) &&
                       ReadLabels(item, "versus", false, point.versus_labels) &&
                       (versus_text == item.end() || versus_text->is_string());
    if (!valid) {
      return Malformed("an item of \"" + std::string(key) +
                       "\" is not {\"text\": string, \"models\": [labels], ...}: " +
                       Quote(item.dump(-1, ' ', false, Json::error_handler_t::replace)));
    }
    point.text = text->get<std::string>();
    if (versus_text != item.end()) point.versus_text = versus_text->get<std::string>();
    if (point.text.find_first_not_of(" \t\r\n") != std::string::npos) {
      points.push_back(std::move(point));
    }
  }
  return points;
}

// Keeps the models of labels whose answers support text, in panel order; the rest stay
// unconfirmed, in the order named.
void CheckLabels(const std::vector<std::string>& labels, const std::string& text,
                 const std::vector<AnonymizedModel>& order, SupportIndex& index,
                 std::vector<std::string>& confirmed, std::vector<std::string>& unconfirmed) {
  if (labels.empty()) return;
  std::vector<std::string> named;
  for (const std::string& label : labels) {
    const auto entry = std::find_if(order.begin(), order.end(),
                                    [&](const AnonymizedModel& e) { return e.label == label; });
    const std::string name = entry == order.end() ? label : entry->model;
    if (std::find(named.begin(), named.end(), name) == named.end()) named.push_back(name);
  }
  const std::vector<std::string> supporting = index.SupportingModels(text);
  for (const std::string& model : supporting) {
    if (std::find(named.begin(), named.end(), model) != named.end()) confirmed.push_back(model);
  }
  for (const std::string& name : named) {
    if (std::find(confirmed.begin(), confirmed.end(), name) == confirmed.end()) {
      unconfirmed.push_back(name);
    }
  }
}

}  // namespace

StructuredOutput PointsOutputFormat(const std::vector<std::string>& labels,
                                    const PointsLimits& limits) {
  return {"synthesis_points", PointsSchema(labels, limits).dump(), PointsGrammar(labels, limits)};
}

Expected<LabelledPoints> ParsePoints(std::string_view reply) {
  auto parsed = ParseObject(reply);
  if (!parsed) return tl::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object()) return Malformed("its JSON is not an object: " + Quote(reply));
  LabelledPoints points;
  auto agreements = ReadList(root, "agreements");
  if (!agreements) return tl::unexpected(agreements.error());
  auto disagreements = ReadList(root, "disagreements");
  if (!disagreements) return tl::unexpected(disagreements.error());
  points.agreements = std::move(*agreements);
  points.disagreements = std::move(*disagreements);
  return points;
}

CheckedPoints CheckPoints(const LabelledPoints& points, const std::vector<AnonymizedModel>& order,
                          SupportIndex& index) {
  CheckedPoints checked;
  const auto check = [&](const LabelledPoint& labelled, std::vector<SynthesisPoint>& into) {
    SynthesisPoint point;
    point.text = labelled.text;
    point.versus_text = labelled.versus_text;
    CheckLabels(labelled.labels, labelled.text, order, index, point.models, point.unconfirmed);
    CheckLabels(labelled.versus_labels, labelled.versus_text, order, index, point.versus,
                point.versus_unconfirmed);
    if (point.models.empty()) {
      ++checked.dropped;
    } else {
      into.push_back(std::move(point));
    }
  };
  for (const LabelledPoint& point : points.agreements) check(point, checked.agreements);
  for (const LabelledPoint& point : points.disagreements) check(point, checked.disagreements);
  return checked;
}

}  // namespace drux
