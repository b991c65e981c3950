#include "synthesis/prompt_template.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "synthesis/embedded_prompts.h"

namespace drux {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(PromptTemplateTest, BuiltInPromptsLoadWithTheirVersion) {
  for (const std::string_view name : {kSynthesisPrompt, kSynthesisPointsPrompt, kRoundPrompt}) {
    const auto prompt = LoadPrompt(name, "");
    ASSERT_TRUE(prompt.has_value()) << prompt.error().message;
    EXPECT_EQ(prompt->version + ".md", name);
    EXPECT_FALSE(prompt->text.starts_with("<!--")) << "the maintainers' comment reached the model";
    EXPECT_FALSE(prompt->text.empty());
  }
  const auto synthesis = LoadPrompt(kSynthesisPrompt, "", {"question", "answers", "analysis"});
  ASSERT_TRUE(synthesis.has_value()) << synthesis.error().message;
}

TEST(PromptTemplateTest, CompiledInPromptsMatchTheFiles) {
  for (const std::string_view name : {kSynthesisPrompt, kSynthesisPointsPrompt, kRoundPrompt}) {
    const auto embedded = EmbeddedPrompt(name);
    ASSERT_TRUE(embedded.has_value()) << name;
    EXPECT_EQ(*embedded, ReadFile(std::filesystem::path(DRUX_SOURCE_PROMPTS_DIR) / name)) << name;
  }
  EXPECT_FALSE(EmbeddedPrompt("nope.md").has_value());
}

TEST(PromptTemplateTest, OverridesAreReadAndChecked) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("drux-prompt-test-" + std::to_string(::getpid()) + "-mine-v3.md");
  std::ofstream(path) << "<!-- mine -->\nAnswer {{question}} from {{answers}}.";
  const auto prompt = LoadPrompt(kSynthesisPrompt, path.string(), {"question", "answers"});
  ASSERT_TRUE(prompt.has_value()) << prompt.error().message;
  EXPECT_EQ(prompt->version, path.stem().string());
  EXPECT_EQ(prompt->text, "Answer {{question}} from {{answers}}.");

  const auto lacking = LoadPrompt(kSynthesisPrompt, path.string(), {"analysis"});
  ASSERT_FALSE(lacking.has_value());
  EXPECT_EQ(lacking.error().code, ErrorCode::kConfig);
  EXPECT_NE(lacking.error().message.find("{{analysis}}"), std::string::npos);
  std::filesystem::remove(path);

  const auto missing = LoadPrompt(kSynthesisPrompt, path.string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find(path.string()), std::string::npos);
}

TEST(PromptTemplateTest, RenderingIsOnePassSoValuesCannotInjectPlaceholders) {
  EXPECT_EQ(RenderPrompt("Q: {{question}}\nA: {{answers}} {{unknown}} {{",
                         {{"question", "{{answers}}?"}, {"answers", "42"}}),
            "Q: {{answers}}?\nA: 42 {{unknown}} {{");
}

}  // namespace
}  // namespace drux
