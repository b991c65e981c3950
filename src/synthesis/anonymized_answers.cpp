#include "synthesis/anonymized_answers.h"

#include <cctype>
#include <random>

namespace drux {
namespace {

bool Counts(const Answer& answer) {
  return answer.ok() && answer.text.find_first_not_of(" \t\r\n") != std::string::npos;
}

const Answer* FindAnswer(const std::vector<Answer>& answers, const std::string& model) {
  for (const Answer& answer : answers) {
    if (answer.model == model) return &answer;
  }
  return nullptr;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

std::string AnonymousLabel(std::size_t position) {
  std::string letters;
  for (std::size_t n = position + 1; n > 0; n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return "Model " + letters;
}

std::uint32_t SeedFromText(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::vector<AnonymizedModel> AnonymizeAnswers(const std::vector<Answer>& answers,
                                              std::uint32_t seed) {
  std::vector<const Answer*> order;
  for (const Answer& answer : answers) {
    if (Counts(answer)) order.push_back(&answer);
  }
  std::mt19937 random(seed);
  // The modulo's bias is negligible for a panel's handful of answers.
  for (std::size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[random() % i]);
  }
  std::vector<AnonymizedModel> labelled;
  for (std::size_t i = 0; i < order.size(); ++i) {
    labelled.push_back({AnonymousLabel(i), order[i]->model});
  }
  return labelled;
}

std::string RenderAnonymizedAnswers(const std::vector<AnonymizedModel>& order,
                                    const std::vector<Answer>& answers) {
  std::string out;
  for (const AnonymizedModel& entry : order) {
    const Answer* answer = FindAnswer(answers, entry.model);
    if (answer == nullptr) continue;
    std::string text = answer->text;
    ReplaceAll(text, "</answer", "</ answer");
    ReplaceAll(text, "<answer", "< answer");
    if (!out.empty()) out += "\n\n";
    out += "<answer label=\"" + entry.label + "\">\n" + text + "\n</answer>";
  }
  return out;
}

std::map<std::string, std::string> LabelsByModel(const std::vector<AnonymizedModel>& order) {
  std::map<std::string, std::string> labels;
  for (const AnonymizedModel& entry : order) labels[entry.model] = entry.label;
  return labels;
}

std::string NameLabelledModels(std::string_view text, const std::vector<AnonymizedModel>& order) {
  constexpr std::string_view kPrefix = "Model ";
  std::map<std::string, std::string, std::less<>> names;
  for (const AnonymizedModel& entry : order) names[entry.label] = entry.model;
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t found = text.find(kPrefix, at);
    if (found == std::string_view::npos) break;
    std::size_t end = found + kPrefix.size();
    while (end < text.size() && std::isupper(static_cast<unsigned char>(text[end])) != 0) ++end;
    const bool whole_word = (found == 0 || !IsWordByte(text[found - 1])) &&
                            (end == text.size() || !IsWordByte(text[end]));
    const auto name = names.find(text.substr(found, end - found));
    out.append(text.substr(at, found - at));
    if (whole_word && name != names.end()) {
      out += name->second;
    } else {
      out.append(text.substr(found, end - found));
    }
    at = end;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

}  // namespace drux
