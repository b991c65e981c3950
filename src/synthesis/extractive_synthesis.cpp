#include "synthesis/extractive_synthesis.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/claims.h"
#include "analysis/lexical_similarity.h"

namespace drux {
namespace {

bool Answered(const Answer& answer) {
  return answer.ok() && answer.text.find_first_not_of(" \t\r\n") != std::string::npos;
}

std::string ModelCount(size_t count) {
  return std::to_string(count) + (count == 1 ? " model" : " models");
}

std::string WhyNoSynthesis(size_t asked, size_t answered) {
  const std::string needs = "a synthesis needs at least two answers.";
  if (asked == 0) return "No model was asked; " + needs;
  if (asked == 1) return "Only one model was asked; " + needs;
  if (answered == 0) return "None of the " + ModelCount(asked) + " answered; " + needs;
  return "Only 1 of " + ModelCount(asked) + " answered; " + needs;
}

// The kind of each claim wording in the answers, so a point is written as what it was:
// a sentence, a list item or code.
std::map<std::string, ClaimKind> KindsOfClaims(const std::vector<Answer>& answers) {
  std::map<std::string, ClaimKind> kinds;
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!Answered(answers[i])) continue;
    for (const Claim& claim : SegmentClaims(answers[i].text, static_cast<int>(i))) {
      kinds.emplace(claim.text, claim.kind);
    }
  }
  return kinds;
}

// The wordings not to write: the side of each contradiction fewer models take, both
// sides when as many models take each.
std::set<std::string> ContradictedWordings(const Analysis& analysis) {
  std::set<std::string> excluded;
  for (const DisagreementPoint& point : analysis.disagreements) {
    if (point.kind != DisagreementPoint::Kind::kContradiction) continue;
    if (point.models.size() <= point.versus.size()) excluded.insert(point.text);
    if (point.versus.size() <= point.models.size()) excluded.insert(point.versus_text);
  }
  return excluded;
}

bool Contains(const std::vector<std::string>& models, const std::string& model) {
  return std::find(models.begin(), models.end(), model) != models.end();
}

struct Candidates {
  std::vector<const ClaimCluster*> clusters;  // in analysis order
  size_t contradicted = 0;                    // qualified, but left out as contradicted
};

template <typename Qualifies>
Candidates SelectCandidates(const Analysis& analysis, const std::set<std::string>& excluded,
                            const Qualifies& qualifies) {
  Candidates candidates;
  for (const ClaimCluster& cluster : analysis.clusters) {
    if (!qualifies(cluster)) continue;
    if (excluded.count(cluster.text) != 0) {
      ++candidates.contradicted;
    } else {
      candidates.clusters.push_back(&cluster);
    }
  }
  return candidates;
}

struct Point {
  const ClaimCluster* cluster = nullptr;
  ClaimKind kind = ClaimKind::kSentence;
};

// The best-supported points that say something new, in analysis order.
std::vector<Point> ChoosePoints(const std::vector<const ClaimCluster*>& candidates,
                                const std::map<std::string, ClaimKind>& kinds,
                                const SynthesisOptions& options) {
  std::vector<Claim> claims;
  for (const ClaimCluster* cluster : candidates) {
    const auto kind = kinds.find(cluster->text);
    claims.push_back(
        MakeClaim(cluster->text, kind == kinds.end() ? ClaimKind::kSentence : kind->second, 0));
  }
  LexicalSimilarity similarity;
  similarity.Prepare(claims);
  std::vector<Point> points;
  std::vector<size_t> written;
  for (size_t i = 0; i < candidates.size() && points.size() < options.max_sentences; ++i) {
    const bool repeat = std::any_of(written.begin(), written.end(), [&](size_t j) {
      return similarity.Score(claims[i], claims[j]) >= options.repeat_threshold;
    });
    if (repeat) continue;
    written.push_back(i);
    points.push_back({candidates[i], claims[i].kind});
  }
  return points;
}

// A backslash before a leading "#", ">", "-", "+", "*" or "1." keeps a written point
// from turning into a heading, quote or list when the Markdown is rendered.
std::string EscapeLeadingMarker(const std::string& text) {
  size_t marker = 0;
  while (marker < text.size() && std::isdigit(static_cast<unsigned char>(text[marker])) != 0) {
    ++marker;
  }
  const bool numbered =
      marker > 0 && marker < text.size() && (text[marker] == '.' || text[marker] == ')');
  const bool symbol = !text.empty() && std::string_view("#>-+*").find(text[0]) != std::string::npos;
  if (numbered) return text.substr(0, marker) + "\\" + text.substr(marker);
  if (symbol) return "\\" + text;
  return text;
}

bool EndsSentence(const std::string& text) {
  static constexpr std::string_view kEnds[] = {".", "!", "?", ":", ";", "…", "。", "！", "？"};
  return std::any_of(std::begin(kEnds), std::end(kEnds),
                     [&](std::string_view end) { return text.ends_with(end); });
}

std::string Fenced(const std::string& code) {
  size_t longest = 0;
  size_t run = 0;
  for (const char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  return fence + "\n" + code + "\n" + fence;
}

// Points in their written form: a bullet, a fenced block or a sentence of prose.
std::string Block(const Point& point, bool as_list) {
  const std::string& wording = point.cluster->text;
  if (point.kind == ClaimKind::kCode) return Fenced(wording);
  if (as_list) return "- " + EscapeLeadingMarker(wording);
  return EndsSentence(wording) ? wording : wording + ".";
}

// Prose sentences run on in one paragraph and bullets in one list; code stands apart.
std::string RenderMarkdown(const std::vector<Point>& points) {
  const bool as_list = std::any_of(points.begin(), points.end(), [](const Point& point) {
    return point.kind == ClaimKind::kListItem;
  });
  std::string text;
  bool after_code = false;
  for (const Point& point : points) {
    const bool code = point.kind == ClaimKind::kCode;
    const bool starts_block = text.empty() || code || after_code;
    std::string block = Block(point, as_list);
    // Prose only turns into Markdown structure at the start of a line.
    if (starts_block && !as_list && !code) block = EscapeLeadingMarker(block);
    if (!text.empty()) text += starts_block ? "\n\n" : as_list ? "\n" : " ";
    text += block;
    after_code = code;
  }
  return text;
}

std::string Plural(size_t count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

Synthesis SynthesizeExtractive(const std::vector<Answer>& answers, const Analysis& analysis,
                               const SynthesisOptions& options) {
  Synthesis synthesis;
  const auto answered =
      static_cast<size_t>(std::count_if(answers.begin(), answers.end(), Answered));
  if (answered < 2) {
    synthesis.note = WhyNoSynthesis(answers.size(), answered);
    return synthesis;
  }
  const std::set<std::string> excluded = ContradictedWordings(analysis);
  const Candidates supported = SelectCandidates(
      analysis, excluded,
      [&](const ClaimCluster& cluster) { return cluster.models.size() >= options.min_models; });
  // Without a shared point, the answer closest to the others speaks for itself.
  const bool fallback = supported.clusters.empty();
  const Candidates chosen =
      fallback ? SelectCandidates(analysis, excluded,
                                  [&](const ClaimCluster& cluster) {
                                    return Contains(cluster.models, analysis.representative);
                                  })
               : supported;
  const std::vector<Point> points = ChoosePoints(chosen.clusters, KindsOfClaims(answers), options);
  if (points.empty()) {
    synthesis.note = chosen.contradicted > 0
                         ? "The answers contradict each other on every statement they could be "
                           "synthesized from; see the points of disagreement."
                         : "The answers hold no statement a synthesis could be built from.";
    return synthesis;
  }
  if (fallback) {
    synthesis.note = "No point is made by " + std::to_string(options.min_models) +
                     " or more models; these are the points of " + analysis.representative +
                     "'s answer, the one closest to the others.";
  }
  if (chosen.contradicted > 0) {
    synthesis.note += synthesis.note.empty() ? "" : " ";
    synthesis.note += "Left out " + Plural(chosen.contradicted, "statement", "statements") +
                      " the models contradict each other on; see the points of disagreement.";
  }
  synthesis.method = "extractive";
  synthesis.text = RenderMarkdown(points);
  for (const Point& point : points) {
    synthesis.sentences.push_back({point.cluster->text, point.cluster->models});
  }
  return synthesis;
}

}  // namespace drux
