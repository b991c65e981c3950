#include "core/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

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

TEST(ConfigTest, TheVendorCatalogParsesAndSaysWhereEachKeyLives) {
  const Config config = DefaultConfig();
  const std::map<std::string, std::string> keys = {{"gpt-5", "OPENAI_API_KEY"},
                                                   {"gpt-5-mini", "OPENAI_API_KEY"},
                                                   {"claude-sonnet", "ANTHROPIC_API_KEY"},
                                                   {"claude-haiku", "ANTHROPIC_API_KEY"},
                                                   {"gemini-2.5-pro", "GEMINI_API_KEY"},
                                                   {"gemini-2.5-flash", "GEMINI_API_KEY"},
                                                   {"grok", "XAI_API_KEY"},
                                                   {"deepseek-r1", "DEEPSEEK_API_KEY"},
                                                   {"sonar", "PERPLEXITY_API_KEY"},
                                                   {"mistral-large", "MISTRAL_API_KEY"},
                                                   {"groq-llama-3.3-70b", "GROQ_API_KEY"},
                                                   {"together-llama-3.3-70b", "TOGETHER_API_KEY"},
                                                   {"openrouter", "OPENROUTER_API_KEY"}};
  for (const auto& [name, key] : keys) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(config.models.contains(name));
    const ModelSpec& spec = config.models.at(name);
    EXPECT_EQ(spec.api_key_env, key);
    EXPECT_FALSE(spec.model.empty());
    EXPECT_GT(spec.price_input_per_mtok, 0);
    EXPECT_GT(spec.price_output_per_mtok, spec.price_input_per_mtok * 0.99);
    EXPECT_LT(spec.price_cached_input_per_mtok, spec.price_input_per_mtok);
  }
  EXPECT_EQ(config.models.at("claude-sonnet").provider, "anthropic");
  EXPECT_TRUE(config.models.at("claude-sonnet").endpoint.empty()) << "the API's own default";
  EXPECT_EQ(config.models.at("gemini-2.5-pro").provider, "gemini");
  EXPECT_EQ(config.models.at("deepseek-r1").model, "deepseek-reasoner");
  EXPECT_EQ(config.models.at("deepseek-r1").endpoint, "https://api.deepseek.com/v1");
  EXPECT_EQ(config.models.at("grok").endpoint, "https://api.x.ai/v1");
  EXPECT_DOUBLE_EQ(config.models.at("gpt-5").price_cached_input_per_mtok, 0.125);
  EXPECT_EQ(config.default_panel, "open") << "the free panel stays the default";
}

TEST(ConfigTest, TheFrontierPanelAsksSixVendorsWithFallbacksResolved) {
  const auto panel = ResolvePanel(DefaultConfig(), "frontier");
  ASSERT_TRUE(panel.has_value()) << panel.error().message;
  std::vector<std::string> names;
  for (const ModelSpec& member : panel->members) names.push_back(member.name);
  EXPECT_EQ(names, (std::vector<std::string>{"gpt-5", "claude-sonnet", "gemini-2.5-pro", "grok",
                                             "deepseek-r1", "sonar"}));
  ASSERT_EQ(panel->members[0].fallbacks.size(), 1u);
  EXPECT_EQ(panel->members[0].fallbacks[0].name, "gpt-5-mini");
  EXPECT_EQ(panel->members[0].fallbacks[0].model, "gpt-5-mini");
  ASSERT_EQ(panel->members[1].fallbacks.size(), 1u);
  EXPECT_EQ(panel->members[1].fallbacks[0].name, "claude-haiku");
  ASSERT_EQ(panel->members[2].fallbacks.size(), 1u);
  EXPECT_EQ(panel->members[2].fallbacks[0].name, "gemini-2.5-flash");
  EXPECT_TRUE(panel->members[3].fallbacks.empty());
}

TEST(ConfigTest, AFileKeepsTheCatalogUnlessItRedefinesAName) {
  const auto config = ParseConfig(R"(
[models.gpt-5]
provider = "openai"
endpoint = "https://gateway.example.com/v1"
model = "gpt-5"
price_input_per_mtok = 1.0
)",
                                  "mine.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->models.at("gpt-5").endpoint, "https://gateway.example.com/v1");
  EXPECT_DOUBLE_EQ(config->models.at("gpt-5").price_input_per_mtok, 1.0);
  EXPECT_TRUE(config->models.at("gpt-5").api_key_env.empty()) << "the whole entry is replaced";
  const auto gpt5 = ResolveModelSpec(*config, "gpt-5");
  ASSERT_TRUE(gpt5.has_value());
  EXPECT_TRUE(gpt5->fallbacks.empty()) << "the redefinition names no fallbacks";
  EXPECT_EQ(config->models.at("claude-haiku").provider, "anthropic");
  const auto frontier = ResolvePanel(*config, "frontier");
  ASSERT_TRUE(frontier.has_value());
  EXPECT_EQ(frontier->members[0].endpoint, "https://gateway.example.com/v1");
}

TEST(ConfigTest, ReadsFallbacksAndCachedPricesAndTheNewProviders) {
  const auto config = ParseConfig(R"(
[models.big]
provider = "anthropic"
model = "claude-opus-4-1"
api_key_env = "ANTHROPIC_API_KEY"
price_cached_input_per_mtok = 1.5
fallbacks = ["small", "local"]

[models.small]
provider = "gemini"
model = "gemini-2.5-flash"
fallbacks = ["local"]

[models.local]
provider = "openai"
endpoint = "http://127.0.0.1:8080/v1"
)",
                                  "f.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_DOUBLE_EQ(config->models.at("big").price_cached_input_per_mtok, 1.5);
  const auto big = ResolveModelSpec(*config, "first=big");
  ASSERT_TRUE(big.has_value()) << big.error().message;
  EXPECT_EQ(big->name, "first");
  ASSERT_EQ(big->fallbacks.size(), 2u);
  EXPECT_EQ(big->fallbacks[0].name, "small");
  EXPECT_EQ(big->fallbacks[0].provider, "gemini");
  ASSERT_EQ(big->fallbacks[0].fallbacks.size(), 1u) << "a fallback keeps its own fallbacks";
  EXPECT_EQ(big->fallbacks[0].fallbacks[0].name, "local");
  EXPECT_EQ(big->fallbacks[1].name, "local");
}

TEST(ConfigTest, AnUnknownFallbackOrACycleIsAnErrorNamingFileAndModel) {
  const auto unknown = ParseConfig(
      "[models.a]\nprovider = \"openai\"\nendpoint = \"http://x/v1\"\nfallbacks = [\"ghost\"]\n",
      "u.toml");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kConfig);
  EXPECT_NE(unknown.error().message.find("u.toml"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("model 'a' names the fallback 'ghost'"), std::string::npos)
      << unknown.error().message;

  const auto cycle = ParseConfig(R"(
[models.a]
provider = "openai"
endpoint = "http://x/v1"
fallbacks = ["b"]

[models.b]
provider = "openai"
endpoint = "http://y/v1"
fallbacks = ["c"]

[models.c]
provider = "openai"
endpoint = "http://z/v1"
fallbacks = ["a"]
)",
                                 "c.toml");
  ASSERT_FALSE(cycle.has_value());
  EXPECT_NE(cycle.error().message.find("c.toml"), std::string::npos);
  EXPECT_NE(cycle.error().message.find("a -> b -> c -> a"), std::string::npos)
      << cycle.error().message;

  const auto self = ParseConfig(
      "[models.a]\nprovider = \"openai\"\nendpoint = \"http://x/v1\"\nfallbacks = [\"a\"]\n",
      "s.toml");
  ASSERT_FALSE(self.has_value());
  EXPECT_NE(self.error().message.find("(a -> a)"), std::string::npos) << self.error().message;

  const auto not_a_list = ParseConfig(
      "[models.a]\nprovider = \"openai\"\nendpoint = \"http://x/v1\"\nfallbacks = "
      "\"b\"\n",
      "l.toml");
  ASSERT_FALSE(not_a_list.has_value());
  EXPECT_NE(not_a_list.error().message.find("l.toml:4"), std::string::npos)
      << not_a_list.error().message;
}

TEST(ConfigTest, AnUnknownProviderIsAnErrorAtItsLine) {
  const auto config =
      ParseConfig("[models.a]\nendpoint = \"http://x/v1\"\nprovider = \"antropic\"\n", "p.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("p.toml:3"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("anthropic, gemini"), std::string::npos);
}

}  // namespace
}  // namespace drux
