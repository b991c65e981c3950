#include "server/question_routes.h"

#include <nlohmann/json.hpp>

#include "core/question.h"
#include "engine/compare_json.h"
#include "server/auth/panel_access.h"
#include "server/http_responses.h"
#include "server/question_json.h"
#include "server/request_parts.h"

namespace drux {
namespace {

using nlohmann::json;

HttpResponse ErrorFor(const Error& error, unsigned version) {
  return ErrorResponse(StatusOfError(error), CodeOfError(error), error.message, version);
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The events after this id: the Last-Event-ID header, else ?last_event_id=N, else 0.
std::int64_t LastEventId(const HttpRequest& request) {
  std::string text;
  if (const auto it = request.find("Last-Event-ID"); it != request.end()) {
    text = std::string(it->value());
  } else {
    text = QueryParam(request.target(), "last_event_id");
  }
  try {
    return text.empty() ? 0 : std::max<std::int64_t>(0, std::stoll(text));
  } catch (const std::exception&) {
    return 0;
  }
}

bool EtagMatches(const HttpRequest& request, const std::string& etag) {
  const auto it = request.find(http::field::if_none_match);
  if (it == request.end()) return false;
  const std::string_view value = it->value();
  return value == "*" || value.find(etag) != std::string_view::npos;
}

HttpResponse CachedResponse(const HttpRequest& request, const CachedQuestion& cached) {
  const bool not_modified = EtagMatches(request, cached.etag);
  HttpResponse response{not_modified ? http::status::not_modified : http::status::ok,
                        request.version()};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::etag, cached.etag);
  response.set(http::field::cache_control, "public, max-age=31536000, immutable");
  response.set("X-Content-Type-Options", "nosniff");
  if (!not_modified) response.body() = cached.body;
  response.prepare_payload();
  return response;
}

}  // namespace

QuestionRoutes::QuestionRoutes(const Config& config, Store& store, QuestionService& questions,
                               ResultCache& cache, RateLimiter& anonymous_limit)
    : config_(config),
      store_(store),
      questions_(questions),
      cache_(cache),
      anonymous_limit_(anonymous_limit) {}

HttpResponse QuestionRoutes::Ask(const HttpRequest& request, const Caller& caller,
                                 const std::string& client_ip) {
  const unsigned version = request.version();
  const json body = json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("question") ||
      !body["question"].is_string() || (body.contains("panel") && !body["panel"].is_string())) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "Send JSON {\"question\": \"...\", \"panel\": \"NAME\"} (panel optional).",
                         version);
  }
  const auto question = ValidateQuestion(body["question"].get<std::string>());
  if (!question) return ErrorFor(question.error(), version);
  return Start(request, caller, client_ip, question->text,
               body.value("panel", config_.default_panel), "/q/");
}

HttpResponse QuestionRoutes::AskAgain(const HttpRequest& request, const Caller& caller,
                                      const std::string& client_ip, const std::string& id) {
  const unsigned version = request.version();
  const json body = json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("panel") ||
      !body["panel"].is_string()) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "Send JSON {\"panel\": \"NAME\"}: the panel to ask the question again.",
                         version);
  }
  const auto stored = store_.GetQuestion(id);
  if (!stored) return ErrorFor(stored.error(), version);
  if (!*stored) {
    return ErrorResponse(http::status::not_found, "not_found", "There is no question " + id + ".",
                         version);
  }
  return Start(request, caller, client_ip, (*stored)->question, body["panel"].get<std::string>(),
               "/compare/" + id + "/");
}

HttpResponse QuestionRoutes::Start(const HttpRequest& request, const Caller& caller,
                                   const std::string& client_ip, const std::string& question,
                                   const std::string& panel_name, const std::string& url_prefix) {
  const unsigned version = request.version();
  const auto panel = ResolvePanel(config_, panel_name);
  if (!panel) {
    return ErrorResponse(http::status::bad_request, "invalid_argument", panel.error().message,
                         version);
  }
  if (auto allowed = MayAsk(caller.user, *panel); !allowed) {
    return ErrorResponse(http::status::forbidden, "forbidden", allowed.error().message, version);
  }
  if (!caller.user) {
    const RateDecision decision = anonymous_limit_.Allow(client_ip, RateLimiter::Clock::now());
    if (!decision.allowed) {
      HttpResponse response = ErrorResponse(http::status::too_many_requests, "rate_limited",
                                            "Too many questions from your address. Wait " +
                                                std::to_string(decision.retry_after_seconds) +
                                                " s, or sign in to ask more.",
                                            version);
      response.set(http::field::retry_after, std::to_string(decision.retry_after_seconds));
      return response;
    }
  }
  const auto id = questions_.Start(question, *panel, caller.user);
  if (!id) {
    return ErrorResponse(http::status::service_unavailable, "unavailable", id.error().message,
                         version);
  }
  return JsonResponse(http::status::accepted,
                      Dump({{"id", *id},
                            {"url", url_prefix + *id},
                            {"events", "/api/questions/" + *id + "/events"}}),
                      version);
}

HttpResponse QuestionRoutes::History(const HttpRequest& request, const Caller& caller) {
  json list = json::array();
  if (caller.user) {
    const auto questions = store_.ListQuestions(caller.user->id, 200);
    if (!questions) return ErrorFor(questions.error(), request.version());
    for (const StoredQuestion& question : *questions) {
      list.push_back({{"id", question.id},
                      {"question", question.question},
                      {"panel", question.panel},
                      {"state", QuestionStateName(question.state)},
                      {"summary", question.summary},
                      {"score", question.score < 0 ? json(nullptr) : json(question.score)},
                      {"created_at", question.created_at}});
    }
  }
  return JsonResponse(http::status::ok, Dump({{"questions", list}}), request.version());
}

Expected<std::optional<QuestionRoutes::QuestionObject>> QuestionRoutes::Load(
    const std::string& id) {
  if (const auto cached = cache_.Get(id)) return QuestionObject{cached->body, true, true};
  if (const auto hub = questions_.LiveHub(id)) {
    // Finished but still being stored: the final object is the result event's data.
    if (auto result = hub->LastOf("result")) return QuestionObject{std::move(*result), true, false};
  }
  const auto stored = store_.GetQuestion(id);
  if (!stored) return tl::unexpected(stored.error());
  if (!*stored) return std::nullopt;
  const bool complete = (*stored)->state == QuestionState::kComplete;
  return QuestionObject{QuestionObjectJson(**stored), complete, complete};
}

HttpResponse QuestionRoutes::Get(const HttpRequest& request, const std::string& id) {
  if (const auto cached = cache_.Get(id)) return CachedResponse(request, *cached);
  auto loaded = Load(id);
  if (!loaded) return ErrorFor(loaded.error(), request.version());
  if (!*loaded) {
    return ErrorResponse(http::status::not_found, "not_found", "There is no question " + id + ".",
                         request.version());
  }
  QuestionObject& object = **loaded;
  if (!object.cacheable) {
    return JsonResponse(http::status::ok, std::move(object.body), request.version());
  }
  return CachedResponse(request, *cache_.Put(id, std::move(object.body)));
}

HttpResponse QuestionRoutes::Compare(const HttpRequest& request, const std::string& a,
                                     const std::string& b) {
  const unsigned version = request.version();
  // Question ids never hold '/', so this key is no question's.
  const std::string key = "compare/" + a + "/" + b;
  if (const auto cached = cache_.Get(key)) return CachedResponse(request, *cached);
  json out = json::object();
  bool complete = true;
  bool cacheable = true;
  std::string results[2];
  const std::string* ids[2] = {&a, &b};
  const char* names[2] = {"a", "b"};
  for (int side = 0; side < 2; ++side) {
    auto loaded = Load(*ids[side]);
    if (!loaded) return ErrorFor(loaded.error(), version);
    if (!*loaded) {
      return ErrorResponse(http::status::not_found, "not_found",
                           "There is no question " + *ids[side] + ".", version);
    }
    json object = json::parse((*loaded)->body, nullptr, false);
    const bool has_result =
        object.is_object() && object.contains("result") && object["result"].is_object();
    complete = complete && (*loaded)->complete && has_result;
    cacheable = cacheable && (*loaded)->cacheable;
    if (has_result) results[side] = Dump(object["result"]);
    out[names[side]] = object.is_discarded() ? json(nullptr) : std::move(object);
  }
  out["comparison"] = nullptr;
  if (complete) {
    const auto comparison = CompareResultJsons(results[0], results[1]);
    if (!comparison) return ErrorFor(comparison.error(), version);
    out["comparison"] = json::parse(ComparisonToJson(*comparison, -1));
  }
  std::string body = Dump(out);
  if (!complete || !cacheable) return JsonResponse(http::status::ok, std::move(body), version);
  return CachedResponse(request, *cache_.Put(key, std::move(body)));
}

RoutedResponse QuestionRoutes::Events(const HttpRequest& request, const std::string& id) {
  RoutedResponse routed;
  routed.route = "/api/questions/:id/events";
  EventStreamPlan plan;
  plan.after = LastEventId(request);
  plan.hub = questions_.LiveHub(id);
  if (!plan.hub) {
    const auto stored = store_.GetQuestion(id);
    if (!stored || !*stored) {
      routed.response = stored
                            ? ErrorResponse(http::status::not_found, "not_found",
                                            "There is no question " + id + ".", request.version())
                            : ErrorFor(stored.error(), request.version());
      return routed;
    }
    auto events = store_.GetEvents(id);
    if (!events) {
      routed.response = ErrorFor(events.error(), request.version());
      return routed;
    }
    plan.replay = std::move(*events);
    // An interrupted question keeps no log; its stream says so and ends.
    if ((*stored)->state != QuestionState::kComplete && plan.replay.empty()) {
      plan.replay.push_back({1, "interrupted",
                             InterruptedEventJson("The server stopped before this question "
                                                  "finished. Ask it again.")});
    }
  }
  routed.stream = std::move(plan);
  return routed;
}

HttpResponse QuestionRoutes::Panels(const HttpRequest& request, const Caller& caller) {
  json panels = json::array();
  for (const auto& [name, members] : config_.panels) {
    const auto panel = ResolvePanel(config_, name);
    if (!panel) continue;
    json member_list = json::array();
    for (const ModelSpec& member : panel->members) {
      member_list.push_back({{"name", member.name}, {"provider", member.provider}});
    }
    panels.push_back({{"name", name},
                      {"premium", IsPremiumPanel(*panel)},
                      {"available", MayAsk(caller.user, *panel).has_value()},
                      {"members", member_list}});
  }
  return JsonResponse(http::status::ok,
                      Dump({{"default", config_.default_panel}, {"panels", panels}}),
                      request.version());
}

}  // namespace drux
