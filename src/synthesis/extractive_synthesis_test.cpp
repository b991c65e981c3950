#include "synthesis/extractive_synthesis.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/claims.h"
#include "analysis/lexical_similarity.h"

namespace drux {
namespace {

using Models = std::vector<std::string>;

Answer Ok(const std::string& model, const std::string& text) {
  Answer answer;
  answer.model = model;
  answer.text = text;
  return answer;
}

Answer Failed(const std::string& model) {
  Answer answer = Ok(model, "");
  answer.error = Error{ErrorCode::kConnection, "connection refused", 0, 0};
  return answer;
}

Synthesis Synthesize(const std::vector<Answer>& answers, const SynthesisOptions& options = {}) {
  LexicalSimilarity similarity;
  return SynthesizeExtractive(answers, AnalyzeAnswers(answers, similarity), options);
}

// Every claim wording of every answer: what the models actually said.
std::set<std::string> SaidByModels(const std::vector<Answer>& answers) {
  std::set<std::string> said;
  for (size_t i = 0; i < answers.size(); ++i) {
    for (const Claim& claim : SegmentClaims(answers[i].text, static_cast<int>(i))) {
      said.insert(claim.text);
    }
  }
  return said;
}

std::vector<std::string> Texts(const Synthesis& synthesis) {
  std::vector<std::string> texts;
  for (const SynthesisSentence& sentence : synthesis.sentences) texts.push_back(sentence.text);
  return texts;
}

const std::string kNobel =
    "The first Nobel Prizes were awarded in 1901. They were funded by the will of Alfred "
    "Nobel. The prizes cover physics, chemistry, medicine, literature and peace.";

TEST(SynthesizeExtractiveTest, NeedsTwoAnswers) {
  struct Case {
    std::vector<Answer> answers;
    std::string note;
  };
  const std::vector<Case> cases = {
      {{Ok("a", kNobel), Failed("b"), Failed("c")},
       "Only 1 of 3 models answered; a synthesis needs at least two answers."},
      {{Failed("a"), Failed("b")},
       "None of the 2 models answered; a synthesis needs at least two answers."},
      {{Ok("a", kNobel)}, "Only one model was asked; a synthesis needs at least two answers."},
      {{}, "No model was asked; a synthesis needs at least two answers."},
      {{Ok("a", kNobel), Ok("blank", " \n")},
       "Only 1 of 2 models answered; a synthesis needs at least two answers."},
  };
  for (const Case& c : cases) {
    const Synthesis synthesis = Synthesize(c.answers);
    EXPECT_EQ(synthesis.method, "none");
    EXPECT_TRUE(synthesis.text.empty());
    EXPECT_TRUE(synthesis.sentences.empty());
    EXPECT_EQ(synthesis.note, c.note);
  }
}

TEST(SynthesizeExtractiveTest, WritesSharedPointsWithTheirModels) {
  const std::vector<Answer> answers = {Ok("a", kNobel),
                                       Ok("b", kNobel + " Sweden's central bank added economics."),
                                       Failed("c"), Ok("d", kNobel)};
  const Synthesis synthesis = Synthesize(answers);
  EXPECT_EQ(synthesis.method, "extractive");
  EXPECT_TRUE(synthesis.synthesizer.empty());
  EXPECT_TRUE(synthesis.note.empty());
  EXPECT_EQ(synthesis.text, kNobel);
  ASSERT_EQ(synthesis.sentences.size(), 3u);
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    EXPECT_EQ(sentence.models, (Models{"a", "b", "d"}));
  }
}

TEST(SynthesizeExtractiveTest, NeverWritesWhatNoModelSaid) {
  const std::vector<Answer> answers = {
      Ok("a", "## Seasons\n- **Axial tilt** causes the seasons.\n- Summer has longer days.\n"),
      Ok("b",
         "The seasons come from Earth's axial tilt. Summer days are longer. Winter is "
         "cold."),
      Ok("c", "Axial tilt causes seasons, not distance. Longer summer days matter too."),
  };
  const Synthesis synthesis = Synthesize(answers);
  ASSERT_EQ(synthesis.method, "extractive");
  ASSERT_FALSE(synthesis.sentences.empty());
  const std::set<std::string> said = SaidByModels(answers);
  for (const SynthesisSentence& sentence : synthesis.sentences) {
    EXPECT_EQ(said.count(sentence.text), 1u) << sentence.text;
    EXPECT_GE(sentence.models.size(), 2u) << sentence.text;
    EXPECT_NE(synthesis.text.find(sentence.text), std::string::npos);
  }
}

TEST(SynthesizeExtractiveTest, BestSupportedFirstThenInTheRepresentativesOrder) {
  const std::vector<Answer> answers = {
      Ok("a", "Llamas hum. Alpacas are smaller than llamas. Both come from South America."),
      Ok("b", "Alpacas are smaller than llamas. Llamas hum. Both come from South America."),
      Ok("c", "Both come from South America. Guanacos are wild relatives."),
  };
  const Synthesis synthesis = Synthesize(answers);
  EXPECT_EQ(Texts(synthesis),
            (std::vector<std::string>{"Both come from South America.", "Llamas hum.",
                                      "Alpacas are smaller than llamas."}));
}

TEST(SynthesizeExtractiveTest, LeavesOutRepeatsAndStopsAtTheLimit) {
  const std::string repeated =
      "Water boils at 100 degrees Celsius. Water boils at 100 degrees Celsius at sea level.";
  const Synthesis deduplicated = Synthesize({Ok("a", repeated), Ok("b", repeated)});
  EXPECT_EQ(Texts(deduplicated), (std::vector<std::string>{"Water boils at 100 degrees Celsius."}));

  SynthesisOptions options;
  options.max_sentences = 2;
  const Synthesis capped = Synthesize({Ok("a", kNobel), Ok("b", kNobel)}, options);
  EXPECT_EQ(capped.sentences.size(), 2u);
}

TEST(SynthesizeExtractiveTest, LeavesOutTheWeakerSideOfAContradiction) {
  const std::string shared =
      " The prizes cover physics, chemistry, medicine, literature and peace.";
  const Synthesis majority =
      Synthesize({Ok("a", "The first Nobel Prizes were awarded in 1901." + shared),
                  Ok("b", "The first Nobel Prizes were awarded in 1901." + shared),
                  Ok("c", "The first Nobel Prizes were awarded in 1902." + shared)});
  EXPECT_EQ(Texts(majority),
            (std::vector<std::string>{
                "The prizes cover physics, chemistry, medicine, literature and peace.",
                "The first Nobel Prizes were awarded in 1901."}));
  EXPECT_TRUE(majority.note.empty());

  const Synthesis tie =
      Synthesize({Ok("a", "The first Nobel Prizes were awarded in 1901." + shared),
                  Ok("b", "The first Nobel Prizes were awarded in 1901." + shared),
                  Ok("c", "The first Nobel Prizes were awarded in 1902." + shared),
                  Ok("d", "The first Nobel Prizes were awarded in 1902." + shared)});
  EXPECT_EQ(Texts(tie),
            (std::vector<std::string>{
                "The prizes cover physics, chemistry, medicine, literature and peace."}));
  EXPECT_EQ(tie.note,
            "Left out 2 statements the models contradict each other on; see the points of "
            "disagreement.");
}

TEST(SynthesizeExtractiveTest, FallsBackToTheRepresentativeWhenNothingIsShared) {
  const std::vector<Answer> answers = {
      Ok("a", "Photosynthesis converts light into chemical energy. It happens in chloroplasts."),
      Ok("b", "The French Revolution began in 1789."),
  };
  const Synthesis synthesis = Synthesize(answers);
  EXPECT_EQ(synthesis.method, "extractive");
  EXPECT_EQ(synthesis.note,
            "No point is made by 2 or more models; these are the points of a's answer, the one "
            "closest to the others.");
  ASSERT_EQ(synthesis.sentences.size(), 2u);
  EXPECT_EQ(synthesis.sentences[0].models, Models{"a"});
}

TEST(SynthesizeExtractiveTest, WritesListsAsBulletsAndCodeFenced) {
  const std::string list = "- Use `git status` first.\n- Then commit your work.\n";
  const std::string code = "```sh\ngit commit -m ``` \n```";
  const Synthesis bullets = Synthesize({Ok("a", list + "\n" + code), Ok("b", list + "\n" + code)});
  EXPECT_EQ(bullets.text,
            "- Use git status first.\n- Then commit your work.\n\n````\ngit commit -m ```\n````");
}

TEST(SynthesizeExtractiveTest, ShortAnswersGiveOneSentence) {
  const Synthesis synthesis =
      Synthesize({Ok("a", "Canberra"), Ok("b", "The capital of Australia is Canberra."),
                  Ok("c", "Canberra.")});
  ASSERT_EQ(synthesis.sentences.size(), 1u);
  EXPECT_EQ(synthesis.sentences[0].models, (Models{"a", "b", "c"}));
  EXPECT_EQ(synthesis.text, synthesis.sentences[0].text.ends_with(".")
                                ? synthesis.sentences[0].text
                                : synthesis.sentences[0].text + ".");
}

TEST(SynthesizeExtractiveTest, EscapesWordingThatWouldRenderAsMarkup) {
  const std::string prose = "\\# Not a heading, a sentence.";
  EXPECT_EQ(Synthesize({Ok("a", prose), Ok("b", prose)}).text, "\\# Not a heading, a sentence.");
  const std::string list = "- \\+ Plus sign item\n- 12\\. Numbered-looking item";
  EXPECT_EQ(Synthesize({Ok("a", list), Ok("b", list)}).text,
            "- \\+ Plus sign item\n- 12\\. Numbered-looking item");
}

}  // namespace
}  // namespace drux
