// The live event log of one running question: events get ids 1, 2, ... in the order they
// are published, and subscribers get every event after the one they last saw, then each
// new one, then the end. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace drux {

class HubSubscriber {
 public:
  virtual ~HubSubscriber() = default;
  // Called for each live event, in order, from the publishing thread; must not block.
  virtual void OnEvent(const StoredEvent& event) = 0;
  // Called once after the last event.
  virtual void OnEnd() = 0;
};

class QuestionHub {
 public:
  struct Subscription {
    std::vector<StoredEvent> backlog;  // the events after the requested one, to send first
    bool ended = false;                // no live events will follow (not subscribed then)
    std::uint64_t id = 0;              // for Unsubscribe
  };

  // Appends an event with the next id and hands it to every subscriber.
  void Publish(const std::string& type, const std::string& data);
  // No more events: subscribers get OnEnd and are released. Later Publish calls are ignored.
  void End();

  // The events after `after_seq` and, unless the log has ended, a subscription to the
  // rest; atomic with Publish, so no event is missed or sent twice.
  Subscription Subscribe(std::int64_t after_seq, std::shared_ptr<HubSubscriber> subscriber);
  void Unsubscribe(std::uint64_t id);

  // The whole log so far.
  std::vector<StoredEvent> Events() const;
  bool ended() const;
  // The data of the last event of this type, if any (e.g. the final "result").
  std::optional<std::string> LastOf(const std::string& type) const;

 private:
  mutable std::mutex mutex_;
  std::vector<StoredEvent> events_;
  std::map<std::uint64_t, std::shared_ptr<HubSubscriber>> subscribers_;
  std::uint64_t next_subscription_ = 1;
  bool ended_ = false;
};

}  // namespace drux
