// The provider "replay": answers from recorded answers, so a panel of models that are not
// running (published evaluation outputs such as AlpacaEval's) can drive a whole `drux ask`
// offline, deterministically and at no cost.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/model_spec.h"
#include "providers/provider.h"

namespace drux {

// One JSONL file of recorded answers: a JSON object per line with "instruction" (the
// question), "output" (the answer) and "generator" (the model that wrote it). Other fields
// are ignored; blank lines are skipped. Immutable once loaded.
class ReplayFile {
 public:
  // Returns the file at path, reading it unless another user holds it already, so every
  // member and call that replays one file shares one copy. Errors name the path and, for
  // a bad record, its line. Thread-safe.
  static Expected<std::shared_ptr<const ReplayFile>> Load(const std::string& path);

  const std::string& path() const { return path_; }
  // The first record's generator; empty when it names none.
  const std::string& generator() const { return generator_; }
  std::size_t size() const { return outputs_.size(); }
  // The recorded questions (instructions) in file order: what a replay panel can be asked.
  const std::vector<std::string>& questions() const { return questions_; }

  // The recorded answer to question: the record whose instruction is exactly question, else
  // the one that is question once surrounding whitespace is trimmed on both sides (the
  // first such record when several are). Null when there is none.
  const std::string* Find(const std::string& question) const;

 private:
  explicit ReplayFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::string generator_;
  std::vector<std::string> questions_;
  std::vector<std::string> outputs_;
  std::unordered_map<std::string, std::size_t> exact_;
  std::unordered_map<std::string, std::size_t> trimmed_;
};

class ReplayProvider : public Provider {
 public:
  // spec.endpoint is the file's path; it is read at the first call, through
  // ReplayFile::Load.
  explicit ReplayProvider(ModelSpec spec);

  // Answers the last user message with its recorded answer, streamed in word-sized pieces;
  // usage counts those pieces (reported = false) and provider_model is the file's
  // generator. A question the file does not hold fails with kNotFound, naming the file:
  // replay cannot answer anything else, such as a synthesis or a later round's prompt.
  Answer Complete(const ChatRequest& request, const CallLimits& limits,
                  const TokenSink& on_text) override;

 private:
  Expected<std::shared_ptr<const ReplayFile>> File();

  const ModelSpec spec_;
  std::mutex mutex_;
  std::shared_ptr<const ReplayFile> file_;
};

}  // namespace drux
