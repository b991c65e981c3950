// `drux serve` end to end: the real binary on loopback with a SQLite store, members that
// are real llama-servers (tiny generated models), an in-process tiny GGUF model, recorded
// answers (replay) and, for a question that must still be running when the server stops,
// FakeOpenAiServer's hang (no real server can be made to hang).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/http_test_client.h"
#include "support/fake_openai_server.h"
#include "support/llama_server.h"
#include "support/subprocess.h"
#include "support/tiny_models.h"

namespace drux {
namespace {

using nlohmann::json;
using test::HttpReply;
using test::HttpTestClient;
using test::SseEvent;

constexpr const char* kScriptQuestion = "Show me some markup.";
constexpr const char* kScriptAnswer =
    "Hello <script>alert(1)</script> and <img src=x onerror=alert(2)> and "
    "[click](javascript:alert(3)).";

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (int seed : {11, 22}) {
      test::TinyModelOptions model;
      model.seed = seed;
      model.end_turn_after = 5;
      llama_servers_.push_back(test::LlamaServer::Start(test::TinyModelPath(model)));
    }
    test::FakeOpenAiServer::Options hang;
    hang.behavior = test::FakeOpenAiServer::Behavior::kHang;
    hanging_ = std::make_unique<test::FakeOpenAiServer>(hang);
    hanging_url_ = hanging_->Start();
  }
  static void TearDownTestSuite() {
    llama_servers_.clear();
    hanging_.reset();
  }

  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("drux-server-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_ / "web" / "assets");
    std::ofstream(directory_ / "web" / "index.html") << "<!doctype html><title>Drux</title>";
    std::ofstream(directory_ / "web" / "assets" / "app-1234.js") << "console.log(1);";
    std::ofstream(directory_ / "secret.txt") << "outside the web root";
    store_ = (directory_ / "drux.db").string();
    config_ = WriteConfig();
  }
  void TearDown() override {
    server_.Stop();
    std::filesystem::remove_all(directory_);
  }

  std::string WriteConfig() {
    const std::string replay = (directory_ / "scribe.jsonl").string();
    std::ofstream(replay) << json({{"instruction", kScriptQuestion},
                                   {"output", kScriptAnswer},
                                   {"generator", "scribe"}})
                                 .dump()
                          << "\n";
    test::TinyModelOptions local;
    local.seed = 5;
    local.end_turn_after = 4;
    std::string text =
        "[defaults]\npanel = \"tiny\"\nmember_timeout_seconds = 60\n"
        "[synthesis]\nmodel = \"extractive\"\n";
    for (int i = 0; i < 2; ++i) {
      text += "[models.tiny" + std::to_string(i) + "]\nprovider = \"openai\"\nendpoint = \"" +
              llama_servers_[i]->base_url() + "\"\nmax_tokens = 24\ntemperature = 0.0\n";
    }
    text += "[models.paid]\nprovider = \"openai\"\nendpoint = \"" + llama_servers_[1]->base_url() +
            "\"\nmax_tokens = 24\ntemperature = 0.0\nprice_input_per_mtok = 1.0\n"
            "price_output_per_mtok = 2.0\n";
    text += "[models.scribe]\nprovider = \"replay\"\nendpoint = \"" + replay + "\"\n";
    text += "[models.stuck]\nprovider = \"openai\"\nendpoint = \"" + hanging_url_ +
            "\"\nmax_tokens = 24\n";
    text += "[models.inproc]\nprovider = \"local\"\nendpoint = \"" + test::TinyModelPath(local) +
            "\"\nmax_tokens = 24\ntemperature = 0.0\n";
    text +=
        "[panels]\ntiny = [\"tiny0\", \"tiny1\"]\npremium = [\"tiny0\", \"paid\"]\n"
        "replay = [\"scribe\"]\nstuck = [\"stuck\"]\nlocal = [\"inproc\"]\n";
    const std::string path = (directory_ / "drux.toml").string();
    std::ofstream(path) << text;
    return path;
  }

  // Starts `drux serve` on a free port and returns the port.
  int StartServer(std::vector<std::string> extra = {}) {
    log_ = (directory_ / ("serve-" + std::to_string(++starts_) + ".log")).string();
    std::vector<std::string> args = {DRUX_BINARY,         "serve",
                                     "--listen",          "127.0.0.1:0",
                                     "--store",           store_,
                                     "--config",          config_,
                                     "--web-root",        (directory_ / "web").string(),
                                     "--request-timeout", "1",
                                     "--threads",         "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_.Start(args, log_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline && server_.Running()) {
      const std::string log = Log();
      const std::size_t at = log.find("listening on http://127.0.0.1:");
      if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
        return std::stoi(log.substr(at + 30));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "drux serve did not start:\n" << Log();
    return 0;
  }

  std::string Log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Asks and returns the question's id.
  static std::string Ask(HttpTestClient& client, const std::string& question,
                         const std::string& panel = "tiny") {
    if (client.csrf_token().empty() && client.bearer().empty()) client.FetchCsrfToken();
    const HttpReply reply =
        client.Post("/api/questions", json({{"question", question}, {"panel", panel}}).dump());
    EXPECT_EQ(reply.status, 202) << reply.body;
    if (reply.status != 202) return "";
    return json::parse(reply.body)["id"];
  }

  static void SignUp(HttpTestClient& client, const std::string& email) {
    client.FetchCsrfToken();
    const HttpReply reply = client.Post(
        "/api/auth/signup", json({{"email", email}, {"password", "correct horse"}}).dump());
    ASSERT_EQ(reply.status, 201) << reply.body;
    client.csrf_token() = json::parse(reply.body)["csrf_token"];
  }

  static inline std::vector<std::unique_ptr<test::LlamaServer>> llama_servers_;
  static inline std::unique_ptr<test::FakeOpenAiServer> hanging_;
  static inline std::string hanging_url_;
  std::filesystem::path directory_;
  std::string store_;
  std::string config_;
  std::string log_;
  int starts_ = 0;
  test::ChildProcess server_;
};

TEST_F(ServerTest, AskStreamsEventsInOrderEndingWithTheResult) {
  HttpTestClient client(StartServer());
  const std::string id = Ask(client, "Name a colour.");
  const std::vector<SseEvent> events = client.ReadEvents("/api/questions/" + id + "/events");
  ASSERT_GE(events.size(), 4u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].id, (long long)i + 1);
  EXPECT_EQ(events.front().type, "question");
  EXPECT_EQ(json::parse(events.front().data)["members"].size(), 2u);
  EXPECT_EQ(events.back().type, "result");
  std::vector<std::string> types;
  for (const SseEvent& event : events) types.push_back(event.type);
  const auto analysis = std::find(types.begin(), types.end(), "analysis");
  ASSERT_NE(analysis, types.end());
  EXPECT_EQ(std::count(types.begin(), analysis, "done"), 2);
  const json result = json::parse(events.back().data);
  EXPECT_EQ(result["state"], "complete");
  EXPECT_EQ(result["result"]["panel"]["answered"], 2);
  EXPECT_EQ(result["rendered"]["answers_html"].size(), 2u);

  // A finished question replays its whole log, and Last-Event-ID resumes after an event.
  const auto replayed = client.ReadEvents("/api/questions/" + id + "/events");
  ASSERT_EQ(replayed.size(), events.size());
  EXPECT_EQ(replayed.back().data, events.back().data);
  const auto resumed =
      client.ReadEvents("/api/questions/" + id + "/events", {{"Last-Event-ID", "3"}});
  ASSERT_EQ(resumed.size(), events.size() - 3);
  EXPECT_EQ(resumed.front().id, 4);
  const auto by_query = client.ReadEvents("/api/questions/" + id + "/events?last_event_id=2");
  ASSERT_FALSE(by_query.empty());
  EXPECT_EQ(by_query.front().id, 3);
}

TEST_F(ServerTest, LiveStreamResumesFromLastEventId) {
  HttpTestClient client(StartServer());
  const std::string id = Ask(client, "Name a fruit.", "local");
  const auto first =
      client.ReadEvents("/api/questions/" + id + "/events", {{"Last-Event-ID", "1"}});
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.front().id, 2);
  EXPECT_EQ(first.back().type, "result");
  EXPECT_EQ(json::parse(first.back().data)["result"]["panel"]["answered"], 1);
}

TEST_F(ServerTest, CompleteResultHasAnEtagAndAnswers304) {
  HttpTestClient client(StartServer());
  const std::string id = Ask(client, "Name a colour.");
  client.ReadEvents("/api/questions/" + id + "/events");
  const HttpReply first = client.Request("GET", "/api/questions/" + id);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json::parse(first.body)["state"], "complete");
  ASSERT_TRUE(first.headers.contains("etag"));
  EXPECT_EQ(first.headers.at("cache-control"), "public, max-age=31536000, immutable");
  const HttpReply again = client.Request("GET", "/api/questions/" + id);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.at("etag"), first.headers.at("etag"));
  const HttpReply not_modified = client.Request("GET", "/api/questions/" + id, "",
                                                {{"If-None-Match", first.headers.at("etag")}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(client.Request("GET", "/api/questions/nosuchid").status, 404);
}

TEST_F(ServerTest, HistoryListsTheSignedInUsersQuestions) {
  const int port = StartServer();
  HttpTestClient user(port);
  SignUp(user, "ada@example.com");
  const std::string id = Ask(user, "Name a colour.");
  user.ReadEvents("/api/questions/" + id + "/events");
  const json history = json::parse(user.Request("GET", "/api/questions").body);
  ASSERT_EQ(history["questions"].size(), 1u);
  EXPECT_EQ(history["questions"][0]["id"], id);
  EXPECT_EQ(history["questions"][0]["state"], "complete");
  HttpTestClient anonymous(port);
  EXPECT_TRUE(json::parse(anonymous.Request("GET", "/api/questions").body)["questions"].empty());
}

TEST_F(ServerTest, PanelsSayWhichArePremiumAndAvailable) {
  const int port = StartServer({"--premium-email", "vip@example.com"});
  HttpTestClient anonymous(port);
  const json panels = json::parse(anonymous.Request("GET", "/api/panels").body);
  EXPECT_EQ(panels["default"], "tiny");
  std::map<std::string, json> by_name;
  for (const json& panel : panels["panels"]) by_name[panel["name"]] = panel;
  EXPECT_FALSE(by_name["tiny"]["premium"].get<bool>());
  EXPECT_TRUE(by_name["tiny"]["available"].get<bool>());
  EXPECT_TRUE(by_name["premium"]["premium"].get<bool>());
  EXPECT_FALSE(by_name["premium"]["available"].get<bool>());
  HttpTestClient vip(port);
  SignUp(vip, "vip@example.com");
  const json vip_panels = json::parse(vip.Request("GET", "/api/panels").body);
  for (const json& panel : vip_panels["panels"]) {
    EXPECT_TRUE(panel["available"].get<bool>()) << panel.dump();
  }
}

TEST_F(ServerTest, HealthzMetricsAndStaticFiles) {
  HttpTestClient client(StartServer());
  const HttpReply health = client.Request("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  const HttpReply metrics = client.Request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  for (const char* name : {"drux_http_requests_total{route=\"/healthz\",status=\"200\"} 1",
                           "drux_http_request_duration_seconds_bucket", "drux_questions_in_flight",
                           "drux_sse_clients"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
  }
  for (const char* page : {"/", "/q/abc", "/history"}) {
    HttpReply reply = client.Request("GET", page);
    EXPECT_EQ(reply.status, 200) << page;
    EXPECT_EQ(reply.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_NE(reply.headers["content-security-policy"].find("script-src 'self'"),
              std::string::npos);
    EXPECT_EQ(reply.headers["x-content-type-options"], "nosniff");
    EXPECT_TRUE(reply.headers.contains("referrer-policy"));
  }
  HttpReply asset = client.Request("GET", "/assets/app-1234.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_NE(asset.headers["cache-control"].find("immutable"), std::string::npos);
  for (const char* traversal : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                                "/assets/%2e%2e/%2e%2e/secret.txt"}) {
    const HttpReply reply = client.Request("GET", traversal);
    EXPECT_NE(reply.status, 200) << traversal;
    EXPECT_EQ(reply.body.find("outside the web root"), std::string::npos) << traversal;
  }
}

TEST_F(ServerTest, WrongPasswordIs401WithOneMessageForBothCases) {
  const int port = StartServer();
  HttpTestClient user(port);
  SignUp(user, "ada@example.com");
  HttpTestClient other(port);
  other.FetchCsrfToken();
  const HttpReply wrong =
      other.Post("/api/auth/signin",
                 json({{"email", "ada@example.com"}, {"password", "wrong password"}}).dump());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json::parse(wrong.body)["error"]["code"], "unauthorized");
  const HttpReply unknown =
      other.Post("/api/auth/signin",
                 json({{"email", "nobody@example.com"}, {"password", "whatever1"}}).dump());
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::parse(unknown.body)["error"]["message"],
            json::parse(wrong.body)["error"]["message"]);
  EXPECT_EQ(Log().find("wrong password"), std::string::npos);
}

TEST_F(ServerTest, SignInNeverPromotesAPlantedSessionToken) {
  const int port = StartServer();
  HttpTestClient setup(port);
  SignUp(setup, "ada@example.com");
  HttpTestClient victim(port);
  victim.FetchCsrfToken();
  victim.cookies()["drux_session"] = "planted-by-attacker";
  const HttpReply signed_in =
      victim.Post("/api/auth/signin",
                  json({{"email", "ada@example.com"}, {"password", "correct horse"}}).dump());
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string token = victim.cookies()["drux_session"];
  EXPECT_NE(token, "planted-by-attacker");
  EXPECT_FALSE(token.empty());
  HttpTestClient attacker(port);
  attacker.cookies()["drux_session"] = "planted-by-attacker";
  EXPECT_TRUE(json::parse(attacker.Request("GET", "/api/me").body)["user"].is_null());
  EXPECT_EQ(json::parse(victim.Request("GET", "/api/me").body)["user"]["email"], "ada@example.com");
  EXPECT_EQ(Log().find(token), std::string::npos) << "a session token reached the log";
}

TEST_F(ServerTest, PostsWithoutTheRightCsrfTokenAre403) {
  const int port = StartServer();
  HttpTestClient user(port);
  SignUp(user, "ada@example.com");
  const std::string body = json({{"question", "Name a colour."}}).dump();
  const HttpReply missing = user.Request("POST", "/api/questions", body);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "csrf");
  const HttpReply wrong =
      user.Request("POST", "/api/questions", body, {{"X-CSRF-Token", "not-the-token"}});
  EXPECT_EQ(wrong.status, 403);
  HttpTestClient anonymous(port);
  anonymous.FetchCsrfToken();
  const HttpReply forged = anonymous.Request("POST", "/api/questions", body,
                                             {{"X-CSRF-Token", anonymous.csrf_token() + "x"}});
  EXPECT_EQ(forged.status, 403);
}

TEST_F(ServerTest, OnlyPremiumAccountsMayAskThePremiumPanel) {
  const int port = StartServer({"--premium-email", "vip@example.com"});
  const std::string body = json({{"question", "Name a colour."}, {"panel", "premium"}}).dump();
  HttpTestClient anonymous(port);
  anonymous.FetchCsrfToken();
  EXPECT_EQ(anonymous.Post("/api/questions", body).status, 403);
  HttpTestClient free_user(port);
  SignUp(free_user, "free@example.com");
  const HttpReply refused = free_user.Post("/api/questions", body);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "forbidden");
  // The same through an API token, which needs no CSRF token.
  const HttpReply token = free_user.Post("/api/tokens", json({{"name", "script"}}).dump());
  ASSERT_EQ(token.status, 201) << token.body;
  HttpTestClient script(port);
  script.bearer() = json::parse(token.body)["token"];
  EXPECT_EQ(script.Request("POST", "/api/questions", body).status, 403);
  EXPECT_EQ(script.Request("POST", "/api/questions", json({{"question", "Name a colour."}}).dump())
                .status,
            202);

  HttpTestClient vip(port);
  SignUp(vip, "vip@example.com");
  const std::string id = Ask(vip, "Name a colour.", "premium");
  const auto events = vip.ReadEvents("/api/questions/" + id + "/events");
  ASSERT_FALSE(events.empty());
  const json result = json::parse(events.back().data);
  EXPECT_EQ(result["result"]["panel"]["answered"], 2) << events.back().data;
  EXPECT_GT(result["result"]["total_cost_usd"].get<double>(), 0);
}

TEST_F(ServerTest, CompareAsksTheQuestionAgainOnAPremiumPanelAndComparesTheResults) {
  const int port = StartServer({"--premium-email", "vip@example.com"});
  HttpTestClient vip(port);
  SignUp(vip, "vip@example.com");
  const std::string a = Ask(vip, "Name a colour.");
  vip.ReadEvents("/api/questions/" + a + "/events");

  const HttpReply started =
      vip.Post("/api/questions/" + a + "/compare", json({{"panel", "premium"}}).dump());
  ASSERT_EQ(started.status, 202) << started.body;
  const json created = json::parse(started.body);
  const std::string b = created["id"];
  EXPECT_EQ(created["url"], "/compare/" + a + "/" + b);
  EXPECT_EQ(created["events"], "/api/questions/" + b + "/events");
  const auto events = vip.ReadEvents(created["events"].get<std::string>());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "result");

  const HttpReply first = vip.Request("GET", "/api/compare/" + a + "/" + b);
  ASSERT_EQ(first.status, 200) << first.body;
  const json both = json::parse(first.body);
  EXPECT_EQ(both["a"], json::parse(vip.Request("GET", "/api/questions/" + a).body));
  EXPECT_EQ(both["b"]["question"], "Name a colour.");
  EXPECT_EQ(both["b"]["panel"], "premium");
  EXPECT_EQ(both["b"]["state"], "complete");
  const json& comparison = both["comparison"];
  ASSERT_TRUE(comparison.is_object()) << first.body;
  EXPECT_EQ(comparison["panels"], json({"tiny", "premium"}));
  EXPECT_GE(comparison["synthesis_agreement"].get<double>(), 0.0);
  EXPECT_LE(comparison["synthesis_agreement"].get<double>(), 1.0);
  for (const char* list : {"shared_points", "only_a", "only_b"}) {
    EXPECT_TRUE(comparison[list].is_array()) << list;
  }

  // Both complete: immutable, with an ETag.
  ASSERT_TRUE(first.headers.contains("etag"));
  EXPECT_EQ(first.headers.at("cache-control"), "public, max-age=31536000, immutable");
  const HttpReply again = vip.Request("GET", "/api/compare/" + a + "/" + b);
  EXPECT_EQ(again.body, first.body);
  const HttpReply not_modified = vip.Request("GET", "/api/compare/" + a + "/" + b, "",
                                             {{"If-None-Match", first.headers.at("etag")}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(vip.Request("GET", "/compare/" + a + "/" + b).status, 200);
}

TEST_F(ServerTest, CompareIsForbiddenToFreeAccountsAnd404ForUnknownIds) {
  const int port = StartServer({"--premium-email", "vip@example.com"});
  HttpTestClient free_user(port);
  SignUp(free_user, "free@example.com");
  const std::string a = Ask(free_user, "Name a colour.");
  const std::string premium = json({{"panel", "premium"}}).dump();
  const HttpReply refused = free_user.Post("/api/questions/" + a + "/compare", premium);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "forbidden");
  const HttpReply no_csrf = free_user.Request("POST", "/api/questions/" + a + "/compare", premium);
  EXPECT_EQ(json::parse(no_csrf.body)["error"]["code"], "csrf");

  HttpTestClient vip(port);
  SignUp(vip, "vip@example.com");
  EXPECT_EQ(vip.Post("/api/questions/nosuchid/compare", premium).status, 404);
  EXPECT_EQ(vip.Post("/api/questions/" + a + "/compare", "{}").status, 400);
  EXPECT_EQ(vip.Request("GET", "/api/compare/nosuchid/" + a).status, 404);
  EXPECT_EQ(vip.Request("GET", "/api/compare/" + a + "/nosuchid").status, 404);
}

TEST_F(ServerTest, ComparisonIsNullWhileEitherQuestionRuns) {
  HttpTestClient client(StartServer());
  const std::string a = Ask(client, "Will this finish?");
  client.ReadEvents("/api/questions/" + a + "/events");
  const HttpReply started =
      client.Post("/api/questions/" + a + "/compare", json({{"panel", "stuck"}}).dump());
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string b = json::parse(started.body)["id"];
  const HttpReply running = client.Request("GET", "/api/compare/" + a + "/" + b);
  ASSERT_EQ(running.status, 200);
  const json both = json::parse(running.body);
  EXPECT_EQ(both["a"]["state"], "complete");
  EXPECT_EQ(both["b"]["state"], "running");
  EXPECT_TRUE(both["comparison"].is_null());
  EXPECT_FALSE(running.headers.contains("etag"));
}

TEST_F(ServerTest, UsersSetTierMakesAnAccountPremium) {
  const int port = StartServer();
  HttpTestClient user(port);
  SignUp(user, "ada@example.com");
  const std::string body = json({{"question", kScriptQuestion}, {"panel", "premium"}}).dump();
  EXPECT_EQ(user.Post("/api/questions", body).status, 403);
  const auto run = test::RunProcess(
      {DRUX_BINARY, "users", "set-tier", "ada@example.com", "premium", "--store", store_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(user.Request("GET", "/api/me").body)["user"]["tier"], "premium");
  EXPECT_EQ(user.Post("/api/questions", body).status, 202);
  const auto unknown = test::RunProcess(
      {DRUX_BINARY, "users", "set-tier", "nobody@example.com", "premium", "--store", store_});
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST_F(ServerTest, AnonymousQuestionsAreRateLimitedPerAddress) {
  HttpTestClient client(StartServer());
  client.FetchCsrfToken();
  const std::string body = json({{"question", kScriptQuestion}, {"panel", "replay"}}).dump();
  int accepted = 0;
  HttpReply limited;
  for (int i = 0; i < 8 && limited.status == 0; ++i) {
    const HttpReply reply = client.Post("/api/questions", body);
    if (reply.status == 202) {
      ++accepted;
    } else {
      limited = reply;
    }
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body)["error"]["code"], "rate_limited");
  EXPECT_GE(std::stoi(limited.headers["retry-after"]), 1);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  HttpTestClient client(StartServer());
  client.FetchCsrfToken();
  const std::string big = json({{"question", std::string(70 * 1024, 'a')}}).dump();
  const HttpReply reply = client.Post("/api/questions", big);
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(json::parse(reply.body)["error"]["code"], "payload_too_large");
}

TEST_F(ServerTest, SlowLorisClientIsDropped) {
  const int port = StartServer();
  test::RawConnection slow(port);
  ASSERT_TRUE(slow.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  // The server was started with --request-timeout 1: the rest never comes.
  slow.ReadUntilClosed(std::chrono::seconds(10));
  EXPECT_TRUE(slow.closed());
  HttpTestClient client(port);
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, ModelOutputIsRenderedInert) {
  HttpTestClient client(StartServer());
  const std::string id = Ask(client, kScriptQuestion, "replay");
  const auto events = client.ReadEvents("/api/questions/" + id + "/events");
  ASSERT_FALSE(events.empty());
  const json rendered = json::parse(client.Request("GET", "/api/questions/" + id).body)["rendered"];
  ASSERT_TRUE(rendered.is_object());
  for (const std::string& html : {rendered["answers_html"][0].get<std::string>(),
                                  rendered["synthesis_html"].get<std::string>()}) {
    EXPECT_EQ(html.find("<script"), std::string::npos) << html;
    EXPECT_EQ(html.find("<img"), std::string::npos) << html;
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  }
  // Raw HTML is left out, the text around it kept.
  const std::string answer = rendered["answers_html"][0];
  EXPECT_NE(answer.find("Hello"), std::string::npos) << answer;
  EXPECT_NE(answer.find("raw HTML omitted"), std::string::npos) << answer;
}

TEST_F(ServerTest, AServerKilledMidQuestionLeavesItInterrupted) {
  int port = StartServer();
  HttpTestClient client(port);
  const std::string id = Ask(client, "Will this finish?", "stuck");
  EXPECT_EQ(json::parse(client.Request("GET", "/api/questions/" + id).body)["state"], "running");
  ::kill(server_.pid(), SIGKILL);
  while (server_.Running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  port = StartServer();
  HttpTestClient after(port);
  EXPECT_EQ(json::parse(after.Request("GET", "/api/questions/" + id).body)["state"], "interrupted");
  const auto events = after.ReadEvents("/api/questions/" + id + "/events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "interrupted");
}

TEST_F(ServerTest, SigtermStopsGracefully) {
  const int port = StartServer({"--grace", "1"});
  HttpTestClient client(port);
  const std::string id = Ask(client, "Will this finish?", "stuck");
  std::vector<SseEvent> events;
  std::thread reader([&] { events = client.ReadEvents("/api/questions/" + id + "/events"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(server_.pid(), SIGTERM);
  reader.join();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, "question");
  EXPECT_EQ(events.back().type, "interrupted");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server_.Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(server_.Running());
  EXPECT_EQ(server_.exit_code(), 0);
  HttpTestClient after(StartServer());
  EXPECT_EQ(json::parse(after.Request("GET", "/api/questions/" + id).body)["state"], "interrupted");
}

}  // namespace
}  // namespace drux
