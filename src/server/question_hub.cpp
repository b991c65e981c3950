#include "server/question_hub.h"

#include <utility>

namespace drux {

void QuestionHub::Publish(const std::string& type, const std::string& data) {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  events_.push_back({static_cast<std::int64_t>(events_.size()) + 1, type, data});
  // Delivered under the lock so that every subscriber sees events in id order; subscribers
  // only queue the event.
  for (auto& [id, subscriber] : subscribers_) subscriber->OnEvent(events_.back());
}

void QuestionHub::End() {
  std::map<std::uint64_t, std::shared_ptr<HubSubscriber>> ending;
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = true;
    ending.swap(subscribers_);
  }
  for (auto& [id, subscriber] : ending) subscriber->OnEnd();
}

QuestionHub::Subscription QuestionHub::Subscribe(std::int64_t after_seq,
                                                 std::shared_ptr<HubSubscriber> subscriber) {
  std::lock_guard lock(mutex_);
  Subscription subscription;
  for (const StoredEvent& event : events_) {
    if (event.seq > after_seq) subscription.backlog.push_back(event);
  }
  subscription.ended = ended_;
  if (!ended_) {
    subscription.id = next_subscription_++;
    subscribers_.emplace(subscription.id, std::move(subscriber));
  }
  return subscription;
}

void QuestionHub::Unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

std::vector<StoredEvent> QuestionHub::Events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

bool QuestionHub::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

std::optional<std::string> QuestionHub::LastOf(const std::string& type) const {
  std::lock_guard lock(mutex_);
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (it->type == type) return it->data;
  }
  return std::nullopt;
}

}  // namespace drux
