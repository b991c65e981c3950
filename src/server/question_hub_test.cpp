#include "server/question_hub.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

class Recorder : public HubSubscriber {
 public:
  void OnEvent(const StoredEvent& event) override { seqs.push_back(event.seq); }
  void OnEnd() override { ended = true; }
  std::vector<std::int64_t> seqs;
  bool ended = false;
};

TEST(QuestionHub, ReplaysAfterTheLastSeenEventThenStreamsLive) {
  QuestionHub hub;
  hub.Publish("question", "{}");
  hub.Publish("started", "{}");
  auto recorder = std::make_shared<Recorder>();
  const auto subscription = hub.Subscribe(1, recorder);
  ASSERT_EQ(subscription.backlog.size(), 1u);
  EXPECT_EQ(subscription.backlog[0].seq, 2);
  EXPECT_FALSE(subscription.ended);
  hub.Publish("text", "{}");
  hub.End();
  hub.Publish("ignored", "{}");
  EXPECT_EQ(recorder->seqs, std::vector<std::int64_t>{3});
  EXPECT_TRUE(recorder->ended);
  EXPECT_EQ(hub.Events().size(), 3u);
  EXPECT_TRUE(hub.Subscribe(0, std::make_shared<Recorder>()).ended);
}

TEST(QuestionHub, UnsubscribedGetsNothing) {
  QuestionHub hub;
  auto recorder = std::make_shared<Recorder>();
  hub.Unsubscribe(hub.Subscribe(0, recorder).id);
  hub.Publish("text", "{}");
  hub.End();
  EXPECT_TRUE(recorder->seqs.empty());
  EXPECT_FALSE(recorder->ended);
}

}  // namespace
}  // namespace drux
