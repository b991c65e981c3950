#include "core/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drux {
namespace {

constexpr const char* kValidConfig = R"(
[defaults]
panel = "pair"
member_timeout_seconds = 30

[models.alpha]
provider = "openai"
endpoint = "http://127.0.0.1:8081/v1"
model = "alpha-7b"
api_key_env = "ALPHA_KEY"
price_input_per_mtok = 0.5
price_output_per_mtok = 1.5

[models.beta]
provider = "openai"
endpoint = "http://127.0.0.1:8082/v1"

[panels]
pair = ["alpha", "beta"]
)";

TEST(ConfigTest, ParsesModelsPanelsAndDefaults) {
  const auto config = ParseConfig(kValidConfig, "test.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->default_panel, "pair");
  EXPECT_EQ(config->member_timeout, std::chrono::seconds(30));
  const ModelSpec& alpha = config->models.at("alpha");
  EXPECT_EQ(alpha.model, "alpha-7b");
  EXPECT_EQ(alpha.api_key_env, "ALPHA_KEY");
  EXPECT_DOUBLE_EQ(alpha.price_output_per_mtok, 1.5);
  const auto panel = ResolvePanel(*config, "pair");
  ASSERT_TRUE(panel.has_value());
  ASSERT_EQ(panel->members.size(), 2u);
  EXPECT_EQ(panel->members[1].name, "beta");
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  const auto config = ParseConfig("[models.a]\nprovider = \"openai\"\nendpoint = \n", "bad.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  EXPECT_NE(config.error().message.find("bad.toml:3"), std::string::npos) << config.error().message;
}

TEST(ConfigTest, UnknownKeyNamesFileAndLine) {
  const auto config =
      ParseConfig("[models.a]\nprovider = \"openai\"\nendpont = \"http://x\"\n", "typo.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("typo.toml:3"), std::string::npos)
      << config.error().message;
  EXPECT_NE(config.error().message.find("endpont"), std::string::npos);
}

TEST(ConfigTest, PanelNamingUnknownModelIsAnError) {
  const auto config = ParseConfig("[panels]\nsolo = [\"ghost\"]\n", "p.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("ghost"), std::string::npos);
}

TEST(ConfigTest, UnknownPanelListsKnownOnes) {
  const auto panel = ResolvePanel(DefaultConfig(), "nope");
  ASSERT_FALSE(panel.has_value());
  EXPECT_EQ(panel.error().code, ErrorCode::kNotFound);
  EXPECT_NE(panel.error().message.find("open"), std::string::npos);
}

TEST(ConfigTest, ResolvesAdHocAndNamedSpecs) {
  const Config config = *ParseConfig(kValidConfig, "test.toml");
  const auto adhoc = ResolveModelSpec(config, "openai:http://127.0.0.1:9000/v1#tiny");
  ASSERT_TRUE(adhoc.has_value());
  EXPECT_EQ(adhoc->endpoint, "http://127.0.0.1:9000/v1");
  EXPECT_EQ(adhoc->model, "tiny");
  EXPECT_EQ(adhoc->name, "tiny");
  const auto named = ResolveModelSpec(config, "first=alpha");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->name, "first");
  EXPECT_EQ(named->model, "alpha-7b");
  const auto unknown = ResolveModelSpec(config, "gamma");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("alpha, beta"), std::string::npos);
}

TEST(ConfigTest, ResolvesLocalSpecsToFilesOrCatalogNames) {
  const Config config = DefaultConfig();
  const auto file = ResolveModelSpec(config, "local:./models/tiny-7.gguf");
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->provider, "local");
  EXPECT_EQ(file->endpoint, "./models/tiny-7.gguf");
  EXPECT_EQ(file->name, "tiny-7");
  const auto catalog = ResolveModelSpec(config, "local:gemma3-1b");
  ASSERT_TRUE(catalog.has_value());
  EXPECT_TRUE(catalog->endpoint.empty());
  EXPECT_EQ(catalog->model, "gemma3-1b");
  EXPECT_FALSE(ResolveModelSpec(config, "local:").has_value());
  const auto bare = ResolveModelSpec(config, "./tiny-7.gguf");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->provider, "local");
  EXPECT_EQ(bare->endpoint, "./tiny-7.gguf");
}

TEST(ConfigTest, DefaultOpenPanelIsFourLocalModels) {
  const auto panel = ResolvePanel(DefaultConfig(), "open");
  ASSERT_TRUE(panel.has_value());
  ASSERT_EQ(panel->members.size(), 4u);
  for (const ModelSpec& member : panel->members) EXPECT_EQ(member.provider, "local");
}

TEST(ConfigTest, LocalModelNeedsAFileOrACatalogName) {
  const auto config = ParseConfig("[models.a]\nprovider = \"local\"\n", "local.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("local.toml:1"), std::string::npos);
  const auto ok =
      ParseConfig("[models.a]\nprovider = \"local\"\nmodel = \"gemma3-1b\"\n", "ok.toml");
  EXPECT_TRUE(ok.has_value());
}

TEST(ConfigTest, SynthesisSectionSetsTheSynthesizerAndPrompts) {
  const auto config = ParseConfig(
      "[synthesis]\nmodel = \"alpha\"\nprompt = \"prompts/mine-v2.md\"\n"
      "points_prompt = \"/abs/points.md\"\ntimeout_seconds = 90\nmax_tokens = 2048\n",
      "/etc/drux/drux.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->synthesis.model, "alpha");
  EXPECT_EQ(config->synthesis.prompt_path, "/etc/drux/prompts/mine-v2.md");
  EXPECT_EQ(config->synthesis.points_prompt_path, "/abs/points.md");
  EXPECT_TRUE(config->synthesis.rounds_prompt_path.empty());
  EXPECT_EQ(config->synthesis.timeout, std::chrono::seconds(90));
  EXPECT_EQ(config->synthesis.max_tokens, 2048);
  EXPECT_TRUE(DefaultConfig().synthesis.model.empty()) << "the default is the strongest member";

  const auto typo = ParseConfig("[synthesis]\nmodle = \"alpha\"\n", "s.toml");
  ASSERT_FALSE(typo.has_value());
  EXPECT_NE(typo.error().message.find("s.toml:2"), std::string::npos) << typo.error().message;
  const auto zero = ParseConfig("[synthesis]\nmax_tokens = 0\n", "z.toml");
  ASSERT_FALSE(zero.has_value());
  EXPECT_NE(zero.error().message.find("positive whole number of tokens"), std::string::npos);
}

TEST(ConfigTest, ReplaySpecsAreNamedAfterTheirGenerator) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("drux-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const std::string recorded = (directory / "answers.jsonl").string();
  std::ofstream(recorded) << "\n{\"instruction\": \"Hi?\", \"output\": \"Hi.\", "
                             "\"generator\": \"writer-8b\"}\n";
  const std::string anonymous = (directory / "anonymous.jsonl").string();
  std::ofstream(anonymous) << "{\"instruction\": \"Hi?\", \"output\": \"Hi.\"}\n";
  const Config config = DefaultConfig();

  const auto named = ResolveModelSpec(config, "replay:" + recorded);
  ASSERT_TRUE(named.has_value()) << named.error().message;
  EXPECT_EQ(named->provider, "replay");
  EXPECT_EQ(named->endpoint, recorded);
  EXPECT_EQ(named->name, "writer-8b");
  EXPECT_EQ(ResolveModelSpec(config, "replay:" + anonymous)->name, "anonymous");
  EXPECT_EQ(ResolveModelSpec(config, "mine=replay:" + recorded)->name, "mine");

  const std::string missing = (directory / "missing.jsonl").string();
  const auto absent = ResolveModelSpec(config, "replay:" + missing);
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  EXPECT_NE(absent.error().message.find(missing), std::string::npos);
  EXPECT_FALSE(ResolveModelSpec(config, "replay:").has_value());
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace drux
