#include "server/question_json.h"

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/result_json.h"
#include "server/markdown_html.h"

namespace drux {
namespace {

using nlohmann::json;

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* ProgressEventType(ProgressEvent::Kind kind) {
  switch (kind) {
    case ProgressEvent::Kind::kDownloading:
      return "downloading";
    case ProgressEvent::Kind::kStarted:
      return "started";
    case ProgressEvent::Kind::kText:
      return "text";
    case ProgressEvent::Kind::kDone:
      return "done";
    case ProgressEvent::Kind::kFailed:
      return "failed";
    case ProgressEvent::Kind::kRetrying:
      return "retrying";
  }
  return "text";
}

// The synthesis and every answer as HTML, from the Result's JSON.
json RenderedJson(const json& result) {
  json answers = json::array();
  if (result.contains("answers") && result["answers"].is_array()) {
    for (const json& answer : result["answers"]) {
      answers.push_back(RenderMarkdownHtml(answer.value("text", "")));
    }
  }
  std::string synthesis;
  if (result.contains("synthesis") && result["synthesis"].is_object()) {
    synthesis = result["synthesis"].value("text", "");
  }
  return {{"synthesis_html", RenderMarkdownHtml(synthesis)}, {"answers_html", std::move(answers)}};
}

}  // namespace

std::string QuestionEventJson(const std::string& id, const std::string& question,
                              const Panel& panel) {
  json members = json::array();
  for (std::size_t i = 0; i < panel.members.size(); ++i) {
    members.push_back({{"index", i}, {"model", panel.members[i].name}});
  }
  return Dump({{"id", id}, {"question", question}, {"panel", panel.name}, {"members", members}});
}

std::pair<std::string, std::string> ProgressEventJson(const ProgressEvent& event) {
  json data = {{"member", event.member}, {"model", event.model}};
  switch (event.kind) {
    case ProgressEvent::Kind::kDownloading:
      data["bytes_done"] = event.bytes_done;
      data["bytes_total"] = event.bytes_total;
      break;
    case ProgressEvent::Kind::kStarted:
      break;
    case ProgressEvent::Kind::kText:
      data["text"] = event.text;
      data["tokens"] = event.tokens;
      break;
    case ProgressEvent::Kind::kDone:
      data["tokens"] = event.tokens;
      data["elapsed_ms"] = event.elapsed_ms;
      break;
    case ProgressEvent::Kind::kFailed:
    case ProgressEvent::Kind::kRetrying: {
      const Error error = event.error.value_or(Error{});
      data["error"] = {{"code", ErrorCodeName(error.code)}, {"message", error.message}};
      if (event.kind == ProgressEvent::Kind::kRetrying) {
        data["message"] = event.text;
        data["retry_delay_ms"] = event.retry_delay_ms;
      }
      break;
    }
  }
  return {ProgressEventType(event.kind), Dump(data)};
}

std::string AnalysisEventJson(const Analysis& analysis) {
  // The Result's serializer is the one definition of the analysis object.
  Result carrier;
  carrier.analysis = analysis;
  return Dump(json::parse(ResultToJson(carrier, -1)).at("analysis"));
}

std::string QuestionObjectJson(const StoredQuestion& question) {
  json out = {{"id", question.id},
              {"state", QuestionStateName(question.state)},
              {"question", question.question},
              {"panel", question.panel},
              {"created_at", question.created_at},
              {"finished_at", question.finished_at},
              {"result", nullptr},
              {"rendered", nullptr}};
  if (question.state == QuestionState::kComplete && !question.result_json.empty()) {
    json result = json::parse(question.result_json, nullptr, false);
    if (!result.is_discarded()) {
      out["rendered"] = RenderedJson(result);
      out["result"] = std::move(result);
    }
  }
  return Dump(out);
}

std::string InterruptedEventJson(const std::string& message) {
  return Dump({{"message", message}});
}

}  // namespace drux
