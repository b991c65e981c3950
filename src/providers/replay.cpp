#include "providers/replay.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace drux {
namespace {

using Json = nlohmann::json;

std::string Trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A string member of a record, or nullptr.
const std::string* StringMember(const Json& record, const char* key) {
  const auto found = record.find(key);
  if (found == record.end() || !found->is_string()) return nullptr;
  return &found->get_ref<const std::string&>();
}

// Files by canonical path. An entry's mutex makes concurrent loads of one file read it
// once while other files load in parallel; entries hold weak references, so a file stays
// loaded while a provider uses it and goes when the last one does.
class ReplayCache {
 public:
  static ReplayCache& Instance() {
    static ReplayCache cache;
    return cache;
  }

  template <typename LoadFunction>
  Expected<std::shared_ptr<const ReplayFile>> Get(const std::string& key, LoadFunction load) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard lock(mutex_);
      std::erase_if(entries_, [](const auto& item) {
        return item.second.use_count() == 1 && item.second->file.expired();
      });
      auto& slot = entries_[key];
      if (slot == nullptr) slot = std::make_shared<Entry>();
      entry = slot;
    }
    std::lock_guard load_lock(entry->load_mutex);
    if (auto file = entry->file.lock()) return file;
    auto loaded = load();
    if (loaded) entry->file = *loaded;
    return loaded;
  }

 private:
  struct Entry {
    std::mutex load_mutex;
    std::weak_ptr<const ReplayFile> file;
  };
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// "Paris is the capital" -> "Paris", " is", " the", " capital": the way models stream.
std::vector<std::string_view> WordPieces(std::string_view text) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ' ' && text[i - 1] != ' ')) {
      pieces.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  return pieces;
}

std::string Excerpt(const std::string& text) {
  constexpr std::size_t kMaxBytes = 80;
  if (text.size() <= kMaxBytes) return text;
  return text.substr(0, CompleteUtf8Prefix(std::string_view(text).substr(0, kMaxBytes))) + "...";
}

}  // namespace

Expected<std::shared_ptr<const ReplayFile>> ReplayFile::Load(const std::string& path) {
  std::error_code error;
  const std::string key = std::filesystem::weakly_canonical(path, error).string();
  return ReplayCache::Instance().Get(
      error ? path : key, [&path]() -> Expected<std::shared_ptr<const ReplayFile>> {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
          return MakeError(ErrorCode::kNotFound, "cannot read the replay file " + path);
        }
        std::shared_ptr<ReplayFile> file(new ReplayFile(path));
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
          if (Trim(line).empty()) continue;
          const Json record = Json::parse(line, nullptr, /*allow_exceptions=*/false);
          const std::string* instruction =
              record.is_object() ? StringMember(record, "instruction") : nullptr;
          const std::string* output = record.is_object() ? StringMember(record, "output") : nullptr;
          if (instruction == nullptr || output == nullptr) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "line " + std::to_string(number) + " of the replay file " + path +
                                 " is not a JSON object with the strings \"instruction\" and "
                                 "\"output\"");
          }
          if (file->outputs_.empty()) {
            if (const std::string* generator = StringMember(record, "generator")) {
              file->generator_ = SanitizeUtf8(*generator);
            }
          }
          const std::size_t index = file->outputs_.size();
          file->questions_.push_back(SanitizeUtf8(*instruction));
          file->outputs_.push_back(SanitizeUtf8(*output));
          file->exact_.try_emplace(*instruction, index);
          file->trimmed_.try_emplace(Trim(*instruction), index);
        }
        return std::shared_ptr<const ReplayFile>(std::move(file));
      });
}

const std::string* ReplayFile::Find(const std::string& question) const {
  if (const auto exact = exact_.find(question); exact != exact_.end()) {
    return &outputs_[exact->second];
  }
  const auto trimmed = trimmed_.find(Trim(question));
  return trimmed == trimmed_.end() ? nullptr : &outputs_[trimmed->second];
}

ReplayProvider::ReplayProvider(ModelSpec spec) : spec_(std::move(spec)) {}

Expected<std::shared_ptr<const ReplayFile>> ReplayProvider::File() {
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) {
    auto loaded = ReplayFile::Load(spec_.endpoint);
    if (!loaded) return loaded;
    file_ = *loaded;
  }
  return file_;
}

Answer ReplayProvider::Complete(const ChatRequest& request, const CallLimits& /*limits*/,
                                const TokenSink& on_text) {
  const auto start = std::chrono::steady_clock::now();
  Answer answer;
  const auto file = File();
  const ChatMessage* question = nullptr;
  for (const ChatMessage& message : request.messages) {
    if (message.role == "user") question = &message;
  }
  const std::string* recorded = nullptr;
  if (!file) {
    answer.error = file.error();
  } else if (question == nullptr || (recorded = (*file)->Find(question->content)) == nullptr) {
    const std::string asked = question == nullptr ? "" : question->content;
    answer.error = Error{ErrorCode::kNotFound,
                         "the replay file " + spec_.endpoint + " has no recorded answer to \"" +
                             SanitizeUtf8(Excerpt(asked)) +
                             "\"; replay answers only the questions recorded in it, by their "
                             "exact text"};
  } else {
    for (const std::string_view piece : WordPieces(*recorded)) {
      if (on_text) on_text(piece);
      ++answer.usage.completion_tokens;
    }
    answer.text = *recorded;
    answer.finish_reason = "stop";
    answer.provider_model = (*file)->generator();
  }
  answer.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  answer.first_token_ms = answer.ok() ? answer.latency_ms : 0;
  return answer;
}

}  // namespace drux
