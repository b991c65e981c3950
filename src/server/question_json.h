// The JSON the API sends about a question: its SSE events and the GET
// /api/questions/ID object (docs/http-api.md). Model text goes out as JSON strings and,
// rendered, only through RenderMarkdownHtml.
#pragma once

#include <string>
#include <utility>

#include "core/analysis.h"
#include "core/model_spec.h"
#include "runner/progress.h"
#include "store/store.h"

namespace drux {

// The `question` event: id, question, panel and its members.
std::string QuestionEventJson(const std::string& id, const std::string& question,
                              const Panel& panel);

// A member's progress as an SSE event: its type ("started", "text", ...) and data.
std::pair<std::string, std::string> ProgressEventJson(const ProgressEvent& event);

// The `analysis` event: the analysis object of the Result.
std::string AnalysisEventJson(const Analysis& analysis);

// The GET /api/questions/ID object of a stored question. For a complete one, result is
// question.result_json and rendered holds the synthesis and each answer as safe HTML.
std::string QuestionObjectJson(const StoredQuestion& question);

// The `interrupted` event.
std::string InterruptedEventJson(const std::string& message);

}  // namespace drux
