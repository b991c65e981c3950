// One suite, run against every backend: SQLite always, PostgreSQL when
// DRUX_TEST_POSTGRES_URL names a server (scripts/test-postgres start prints one).
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "store/postgres_store.h"
#include "store/store_test_backends.h"

namespace drux {
namespace {

constexpr const char* kPasswordHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

StoredQuestion RunningQuestion(const std::string& id, const std::string& user_id,
                               std::int64_t created_at) {
  StoredQuestion question;
  question.id = id;
  question.user_id = user_id;
  question.question = "What is an AI engineer? " + id;
  question.panel = "open";
  question.created_at = created_at;
  return question;
}

User MakeUser(const std::string& id, const std::string& email) {
  return User{id, email, kPasswordHash, Tier::kFree, 1700000000};
}

std::vector<StoredEvent> Events(int count) {
  std::vector<StoredEvent> events;
  for (int seq = 1; seq <= count; ++seq) {
    events.push_back({seq, seq == count ? "result" : "text",
                      "{\"n\":" + std::to_string(seq) + ",\"text\":\"caf\u00e9 \\\"q\\\"\"}"});
  }
  return events;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = MakeSqliteTestBackend();
    } else {
      backend_ = MakePostgresTestBackend();
      if (backend_ == nullptr) {
        GTEST_SKIP() << "set DRUX_TEST_POSTGRES_URL to run the PostgreSQL store tests: "
                        "scripts/test-postgres start prints the URL";
      }
    }
    Reopen();
  }

  void Reopen() {
    store_.reset();
    auto opened = OpenStore(backend_->Url());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  void CreateUser(const std::string& id, const std::string& email) {
    auto created = store_->CreateUser(MakeUser(id, email));
    ASSERT_TRUE(created) << created.error().message;
  }

  std::unique_ptr<StoreTestBackend> backend_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& instance) { return instance.param; });

TEST_P(StoreTest, QuestionRoundTrip) {
  CreateUser("u1", "ada@example.com");
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "u1", 1700000100)));
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q2", "", 1700000200)));

  auto q1 = store_->GetQuestion("q1");
  ASSERT_TRUE(q1 && q1->has_value());
  EXPECT_EQ((*q1)->id, "q1");
  EXPECT_EQ((*q1)->user_id, "u1");
  EXPECT_EQ((*q1)->question, "What is an AI engineer? q1");
  EXPECT_EQ((*q1)->panel, "open");
  EXPECT_EQ((*q1)->state, QuestionState::kRunning);
  EXPECT_EQ((*q1)->result_json, "");
  EXPECT_EQ((*q1)->score, -1);
  EXPECT_EQ((*q1)->created_at, 1700000100);
  EXPECT_EQ((*q1)->finished_at, 0);

  auto anonymous = store_->GetQuestion("q2");
  ASSERT_TRUE(anonymous && anonymous->has_value());
  EXPECT_EQ((*anonymous)->user_id, "");

  auto missing = store_->GetQuestion("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  auto duplicate = store_->CreateQuestion(RunningQuestion("q1", "", 1));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(duplicate.error().message.find("q1"), std::string::npos);

  auto unknown_user = store_->CreateQuestion(RunningQuestion("q3", "ghost", 1));
  ASSERT_FALSE(unknown_user);
  EXPECT_EQ(unknown_user.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, CompleteStoresResultAndEventsInOrder) {
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "", 100)));
  EXPECT_TRUE(store_->GetEvents("q1")->empty());
  const auto events = Events(12);
  auto completed = store_->CompleteQuestion("q1", R"({"status":"complete"})", "4 models agree",
                                            87.5, events, 160);
  ASSERT_TRUE(completed) << completed.error().message;

  auto question = store_->GetQuestion("q1");
  ASSERT_TRUE(question && question->has_value());
  EXPECT_EQ((*question)->state, QuestionState::kComplete);
  EXPECT_EQ((*question)->result_json, R"({"status":"complete"})");
  EXPECT_EQ((*question)->summary, "4 models agree");
  EXPECT_DOUBLE_EQ((*question)->score, 87.5);
  EXPECT_EQ((*question)->finished_at, 160);

  auto stored = store_->GetEvents("q1");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ((*stored)[i].seq, events[i].seq);
    EXPECT_EQ((*stored)[i].type, events[i].type);
    EXPECT_EQ((*stored)[i].data, events[i].data);
  }
  EXPECT_TRUE(store_->GetEvents("unknown")->empty());
}

TEST_P(StoreTest, CompletesOnlyOnce) {
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "", 100)));
  ASSERT_TRUE(store_->CompleteQuestion("q1", "{\"first\":1}", "first", 50, Events(2), 110));

  auto again = store_->CompleteQuestion("q1", "{\"second\":2}", "second", 10, Events(3), 120);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("complete"), std::string::npos);
  auto question = store_->GetQuestion("q1");
  EXPECT_EQ((*question)->result_json, "{\"first\":1}");
  EXPECT_EQ((*question)->finished_at, 110);
  EXPECT_EQ(store_->GetEvents("q1")->size(), 2u);

  auto unknown = store_->CompleteQuestion("nope", "{}", "", -1, {}, 1);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, EventsOutOfOrderAreRefused) {
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "", 100)));
  auto events = Events(3);
  events[2].seq = 2;
  auto completed = store_->CompleteQuestion("q1", "{}", "s", 1, events, 110);
  ASSERT_FALSE(completed);
  EXPECT_EQ(completed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*store_->GetQuestion("q1"))->state, QuestionState::kRunning);
}

// The database refuses the last event (a trigger stands in for any failure mid-way): the
// result and the earlier events roll back with it.
TEST_P(StoreTest, CompletionFailingMidwayStoresNothing) {
  if (GetParam() == "sqlite") {
    backend_->Query(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON question_events WHEN NEW.type = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom refused'); END");
  } else {
    backend_->Query(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.type = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON question_events FOR EACH ROW "
        "EXECUTE FUNCTION refuse_boom()");
  }
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "", 100)));
  auto events = Events(3);
  events[2].type = "boom";
  auto completed = store_->CompleteQuestion("q1", "{}", "s", 1, events, 110);
  ASSERT_FALSE(completed);
  EXPECT_NE(completed.error().message.find("boom refused"), std::string::npos)
      << completed.error().message;
  auto question = store_->GetQuestion("q1");
  EXPECT_EQ((*question)->state, QuestionState::kRunning);
  EXPECT_EQ((*question)->result_json, "");
  EXPECT_TRUE(store_->GetEvents("q1")->empty());
  events[2].type = "result";
  EXPECT_TRUE(store_->CompleteQuestion("q1", "{}", "s", 1, events, 120));
  EXPECT_EQ(store_->GetEvents("q1")->size(), 3u);
}

TEST_P(StoreTest, InterruptedQuestionsStayInterrupted) {
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "", 100)));
  ASSERT_TRUE(store_->MarkInterrupted("q1", 130));
  auto question = store_->GetQuestion("q1");
  EXPECT_EQ((*question)->state, QuestionState::kInterrupted);
  EXPECT_EQ((*question)->finished_at, 130);

  auto completed = store_->CompleteQuestion("q1", "{}", "late", 1, Events(1), 140);
  ASSERT_FALSE(completed);
  EXPECT_EQ(completed.error().code, ErrorCode::kInvalidArgument);
  auto twice = store_->MarkInterrupted("q1", 150);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kInvalidArgument);
  auto unknown = store_->MarkInterrupted("nope", 150);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*store_->GetQuestion("q1"))->finished_at, 130);
}

TEST_P(StoreTest, MarkAllRunningInterruptedLeavesFinishedQuestions) {
  for (const char* id : {"a", "b", "c", "done"}) {
    ASSERT_TRUE(store_->CreateQuestion(RunningQuestion(id, "", 100)));
  }
  ASSERT_TRUE(store_->CompleteQuestion("done", "{}", "s", 70, Events(1), 110));
  auto marked = store_->MarkAllRunningInterrupted(200);
  ASSERT_TRUE(marked);
  EXPECT_EQ(*marked, 3);
  EXPECT_EQ((*store_->GetQuestion("b"))->state, QuestionState::kInterrupted);
  EXPECT_EQ((*store_->GetQuestion("b"))->finished_at, 200);
  EXPECT_EQ((*store_->GetQuestion("done"))->state, QuestionState::kComplete);
  EXPECT_EQ((*store_->GetQuestion("done"))->finished_at, 110);
  EXPECT_EQ(*store_->MarkAllRunningInterrupted(300), 0);
}

TEST_P(StoreTest, ListQuestionsNewestFirstAndLimited) {
  CreateUser("u1", "ada@example.com");
  CreateUser("u2", "bob@example.com");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q" + std::to_string(i), "u1", 100 + i)));
  }
  // Created in the same second as q4, but later.
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q5", "u1", 104)));
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("other", "u2", 500)));
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("anonymous", "", 600)));
  ASSERT_TRUE(store_->CompleteQuestion("q3", "{\"big\":true}", "sum", 90, {}, 200));

  auto listed = store_->ListQuestions("u1", 4);
  ASSERT_TRUE(listed) << listed.error().message;
  std::vector<std::string> ids;
  for (const auto& question : *listed) ids.push_back(question.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"q5", "q4", "q3", "q2"}));
  EXPECT_EQ((*listed)[2].summary, "sum");
  EXPECT_EQ((*listed)[2].result_json, "");
  EXPECT_EQ(store_->ListQuestions("u1", 100)->size(), 6u);
  EXPECT_TRUE(store_->ListQuestions("nobody", 10)->empty());
  auto bad_limit = store_->ListQuestions("u1", 0);
  ASSERT_FALSE(bad_limit);
  EXPECT_EQ(bad_limit.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, UsersAreUniqueByCaseInsensitiveEmail) {
  CreateUser("u1", "Ada.Lovelace@Example.COM");
  auto by_email = store_->FindUserByEmail("ada.lovelace@example.com");
  ASSERT_TRUE(by_email && by_email->has_value());
  EXPECT_EQ((*by_email)->id, "u1");
  EXPECT_EQ((*by_email)->email, "ada.lovelace@example.com");
  EXPECT_EQ((*by_email)->password_hash, kPasswordHash);
  EXPECT_EQ((*by_email)->tier, Tier::kFree);
  EXPECT_EQ((*by_email)->created_at, 1700000000);
  EXPECT_TRUE(store_->FindUserByEmail("ADA.LOVELACE@EXAMPLE.COM")->has_value());
  auto by_id = store_->FindUserById("u1");
  ASSERT_TRUE(by_id && by_id->has_value());
  EXPECT_EQ((*by_id)->email, "ada.lovelace@example.com");
  EXPECT_FALSE(store_->FindUserByEmail("bob@example.com")->has_value());
  EXPECT_FALSE(store_->FindUserById("u2")->has_value());

  auto same_email = store_->CreateUser(MakeUser("u2", "ADA.lovelace@example.com"));
  ASSERT_FALSE(same_email);
  EXPECT_EQ(same_email.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(same_email.error().message.find("ada.lovelace@example.com"), std::string::npos);
  EXPECT_EQ(same_email.error().message.find(kPasswordHash), std::string::npos);
  EXPECT_EQ(same_email.error().message.find("argon2"), std::string::npos);

  auto same_id = store_->CreateUser(MakeUser("u1", "other@example.com"));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_id.error().message.find("argon2"), std::string::npos);
}

TEST_P(StoreTest, TierChanges) {
  CreateUser("u1", "ada@example.com");
  ASSERT_TRUE(store_->SetUserTier("u1", Tier::kPremium));
  EXPECT_EQ((*store_->FindUserById("u1"))->tier, Tier::kPremium);
  ASSERT_TRUE(store_->SetUserTier("u1", Tier::kFree));
  EXPECT_EQ((*store_->FindUserByEmail("ada@example.com"))->tier, Tier::kFree);
  auto unknown = store_->SetUserTier("ghost", Tier::kPremium);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, Sessions) {
  CreateUser("u1", "ada@example.com");
  CreateUser("u2", "bob@example.com");
  ASSERT_TRUE(store_->CreateSession({"h-old", "u1", "csrf-old", 1000}));
  ASSERT_TRUE(store_->CreateSession({"h-new", "u1", "csrf-new", 5000}));
  ASSERT_TRUE(store_->CreateSession({"h-bob", "u2", "csrf-bob", 5000}));

  auto found = store_->FindSession("h-new");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->user_id, "u1");
  EXPECT_EQ((*found)->csrf_token, "csrf-new");
  EXPECT_EQ((*found)->expires_at, 5000);
  EXPECT_FALSE(store_->FindSession("h-none")->has_value());

  auto duplicate = store_->CreateSession({"h-new", "u2", "x", 1});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  auto unknown_user = store_->CreateSession({"h-ghost", "ghost", "x", 1});
  ASSERT_FALSE(unknown_user);
  EXPECT_EQ(unknown_user.error().code, ErrorCode::kInvalidArgument);

  auto expired = store_->DeleteExpiredSessions(1000);
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, 1);
  EXPECT_FALSE(store_->FindSession("h-old")->has_value());
  EXPECT_TRUE(store_->FindSession("h-new")->has_value());

  ASSERT_TRUE(store_->DeleteSession("h-bob"));
  EXPECT_FALSE(store_->FindSession("h-bob")->has_value());
  EXPECT_TRUE(store_->DeleteSession("h-bob"));

  ASSERT_TRUE(store_->CreateSession({"h-second", "u1", "csrf-2", 9000}));
  ASSERT_TRUE(store_->CreateSession({"h-bob2", "u2", "csrf-b", 9000}));
  ASSERT_TRUE(store_->DeleteUserSessions("u1"));
  EXPECT_FALSE(store_->FindSession("h-new")->has_value());
  EXPECT_FALSE(store_->FindSession("h-second")->has_value());
  EXPECT_TRUE(store_->FindSession("h-bob2")->has_value());
}

TEST_P(StoreTest, ApiTokens) {
  CreateUser("u1", "ada@example.com");
  ASSERT_TRUE(store_->CreateApiToken({"t-hash", "u1", "laptop script", 1700000500}));
  auto found = store_->FindApiToken("t-hash");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->user_id, "u1");
  EXPECT_EQ((*found)->name, "laptop script");
  EXPECT_EQ((*found)->created_at, 1700000500);
  EXPECT_FALSE(store_->FindApiToken("other")->has_value());
  auto duplicate = store_->CreateApiToken({"t-hash", "u1", "again", 1});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  auto unknown_user = store_->CreateApiToken({"t-ghost", "ghost", "x", 1});
  ASSERT_FALSE(unknown_user);
  EXPECT_EQ(unknown_user.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, SpendAccumulatesPerUserPerDay) {
  EXPECT_EQ(*store_->SpendOn("u1", "2026-11-29"), 0.0);
  ASSERT_TRUE(store_->AddSpend("u1", "2026-11-29", 0.25));
  ASSERT_TRUE(store_->AddSpend("u1", "2026-11-29", 0.5));
  ASSERT_TRUE(store_->AddSpend("u1", "2026-11-30", 2));
  ASSERT_TRUE(store_->AddSpend("u2", "2026-11-29", 1));
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u1", "2026-11-29"), 0.75);
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u1", "2026-11-30"), 2);
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u2", "2026-11-29"), 1);
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u2", "2026-11-30"), 0);

  for (const auto& [day, usd] : std::vector<std::pair<std::string, double>>{
           {"29-11-2026", 1},
           {"2026-11-29T00", 1},
           {"", 1},
           {"2026-11-29", -0.5},
           {"2026-11-29", std::numeric_limits<double>::quiet_NaN()}}) {
    auto added = store_->AddSpend("u1", day, usd);
    ASSERT_FALSE(added) << day << " " << usd;
    EXPECT_EQ(added.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u1", "2026-11-29"), 0.75);
}

TEST_P(StoreTest, ConcurrentWritersFromSeveralThreads) {
  CreateUser("u1", "ada@example.com");
  constexpr int kThreads = 8;
  constexpr int kQuestionsPerThread = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kQuestionsPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        bool ok = store_->CreateQuestion(RunningQuestion(id, "u1", 1000 + i)).has_value();
        ok = ok && store_->CompleteQuestion(id, "{}", id, 50, Events(3), 2000).has_value();
        ok = ok && store_->AddSpend("u1", "2026-11-29", 0.5).has_value();
        ok = ok && store_->GetQuestion(id).has_value();
        if (!ok) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->ListQuestions("u1", 1000)->size(),
            static_cast<std::size_t>(kThreads * kQuestionsPerThread));
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u1", "2026-11-29"), 0.5 * kThreads * kQuestionsPerThread);
  EXPECT_EQ(store_->GetEvents("t7-19")->size(), 3u);
}

TEST_P(StoreTest, ReopenKeepsDataAndAppliesMigrationsOnce) {
  CreateUser("u1", "ada@example.com");
  ASSERT_TRUE(store_->CreateQuestion(RunningQuestion("q1", "u1", 100)));
  ASSERT_TRUE(store_->CompleteQuestion("q1", "{\"kept\":1}", "s", 75, Events(2), 150));
  ASSERT_TRUE(store_->AddSpend("u1", "2026-11-29", 1.5));
  const std::string versions = backend_->Query("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_NE(versions, "0");

  Reopen();
  Reopen();
  EXPECT_EQ(backend_->Query("SELECT COUNT(*) FROM schema_migrations"), versions);
  EXPECT_EQ((*store_->GetQuestion("q1"))->result_json, "{\"kept\":1}");
  EXPECT_EQ(store_->GetEvents("q1")->size(), 2u);
  EXPECT_TRUE(store_->FindUserByEmail("ada@example.com")->has_value());
  EXPECT_DOUBLE_EQ(*store_->SpendOn("u1", "2026-11-29"), 1.5);
}

TEST_P(StoreTest, NewerSchemaIsAClearError) {
  store_.reset();
  backend_->Query(
      "INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')");
  auto opened = OpenStore(backend_->Url());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kConfig);
  EXPECT_NE(opened.error().message.find("999"), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find(backend_->DisplayName()), std::string::npos)
      << opened.error().message;
}

TEST_P(StoreTest, SqliteFileIsInWalMode) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "SQLite only";
  EXPECT_TRUE(std::filesystem::exists(backend_->DisplayName()));
  EXPECT_EQ(backend_->Query("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreTest, FileThatIsNotADatabaseIsAClearError) {
  auto backend = MakeSqliteTestBackend();
  std::filesystem::create_directories(std::filesystem::path(backend->DisplayName()).parent_path());
  std::ofstream(backend->DisplayName()) << "these are notes, not a database\n"
                                        << std::string(4096, 'x');
  auto opened = OpenStore(backend->Url());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(backend->DisplayName()), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find("not a database"), std::string::npos)
      << opened.error().message;
}

TEST(OpenStoreTest, RejectsUnknownSchemesAndEmptyUrls) {
  for (const char* url : {"mysql://localhost/drux", "", "sqlite:"}) {
    auto opened = OpenStore(url);
    ASSERT_FALSE(opened) << url;
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument) << url;
  }
}

TEST(PostgresStoreTest, UnreachableServerIsAConnectionErrorWithoutThePassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto opened = OpenStore("postgresql://drux:s3cret-pw@127.0.0.1:1/drux?connect_timeout=2");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kConnection) << opened.error().message;
  EXPECT_NE(opened.error().message.find("127.0.0.1:1"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("s3cret-pw"), std::string::npos) << opened.error().message;
}

TEST(PostgresStoreTest, RedactsPasswords) {
  EXPECT_EQ(RedactPostgresUrl("postgresql://drux:pw@db:5432/drux"),
            "postgresql://drux:***@db:5432/drux");
  EXPECT_EQ(RedactPostgresUrl("postgres://drux@db/drux?password=pw&sslmode=require"),
            "postgres://drux@db/drux?password=***&sslmode=require");
  EXPECT_EQ(RedactPostgresUrl("postgresql://127.0.0.1:55432/drux_test"),
            "postgresql://127.0.0.1:55432/drux_test");
}

}  // namespace
}  // namespace drux
