// The built-in catalog of frontier and vendor models, in the configuration's own TOML:
// configuration, not code (docs/providers.md).
#include "core/config.h"

namespace drux {

// List prices in US dollars per million tokens as of writing (late 2025; docs/providers.md
// says where each comes from); a configuration file overrides any entry by declaring a model
// of the same name. Reasoning models get room to think before they answer.
const char* const kVendorCatalogToml = R"toml(
[models.gpt-5]
provider = "openai"
endpoint = "https://api.openai.com/v1"
model = "gpt-5"
api_key_env = "OPENAI_API_KEY"
price_input_per_mtok = 1.25
price_cached_input_per_mtok = 0.125
price_output_per_mtok = 10.0
max_tokens = 4096
fallbacks = ["gpt-5-mini"]

[models.gpt-5-mini]
provider = "openai"
endpoint = "https://api.openai.com/v1"
model = "gpt-5-mini"
api_key_env = "OPENAI_API_KEY"
price_input_per_mtok = 0.25
price_cached_input_per_mtok = 0.025
price_output_per_mtok = 2.0
max_tokens = 4096

[models.claude-sonnet]
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "ANTHROPIC_API_KEY"
price_input_per_mtok = 3.0
price_cached_input_per_mtok = 0.30
price_output_per_mtok = 15.0
max_tokens = 1024
fallbacks = ["claude-haiku"]

[models.claude-haiku]
provider = "anthropic"
model = "claude-haiku-4-5"
api_key_env = "ANTHROPIC_API_KEY"
price_input_per_mtok = 1.0
price_cached_input_per_mtok = 0.10
price_output_per_mtok = 5.0
max_tokens = 1024

[models."gemini-2.5-pro"]
provider = "gemini"
model = "gemini-2.5-pro"
api_key_env = "GEMINI_API_KEY"
price_input_per_mtok = 1.25
price_cached_input_per_mtok = 0.125
price_output_per_mtok = 10.0
max_tokens = 4096
fallbacks = ["gemini-2.5-flash"]

[models."gemini-2.5-flash"]
provider = "gemini"
model = "gemini-2.5-flash"
api_key_env = "GEMINI_API_KEY"
price_input_per_mtok = 0.30
price_cached_input_per_mtok = 0.03
price_output_per_mtok = 2.50
max_tokens = 4096

[models.grok]
provider = "openai"
endpoint = "https://api.x.ai/v1"
model = "grok-4"
api_key_env = "XAI_API_KEY"
price_input_per_mtok = 3.0
price_cached_input_per_mtok = 0.75
price_output_per_mtok = 15.0
max_tokens = 4096

[models.deepseek-r1]
provider = "openai"
endpoint = "https://api.deepseek.com/v1"
model = "deepseek-reasoner"
api_key_env = "DEEPSEEK_API_KEY"
price_input_per_mtok = 0.28
price_cached_input_per_mtok = 0.028
price_output_per_mtok = 0.42
max_tokens = 4096

[models.sonar]
provider = "openai"
endpoint = "https://api.perplexity.ai/chat/completions"
model = "sonar"
api_key_env = "PERPLEXITY_API_KEY"
price_input_per_mtok = 1.0
price_output_per_mtok = 1.0
max_tokens = 1024

[models.mistral-large]
provider = "openai"
endpoint = "https://api.mistral.ai/v1"
model = "mistral-large-latest"
api_key_env = "MISTRAL_API_KEY"
price_input_per_mtok = 2.0
price_output_per_mtok = 6.0
max_tokens = 1024

[models."groq-llama-3.3-70b"]
provider = "openai"
endpoint = "https://api.groq.com/openai/v1"
model = "llama-3.3-70b-versatile"
api_key_env = "GROQ_API_KEY"
price_input_per_mtok = 0.59
price_output_per_mtok = 0.79
max_tokens = 1024

[models."together-llama-3.3-70b"]
provider = "openai"
endpoint = "https://api.together.xyz/v1"
model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
api_key_env = "TOGETHER_API_KEY"
price_input_per_mtok = 0.88
price_output_per_mtok = 0.88
max_tokens = 1024

[models.openrouter]
provider = "openai"
endpoint = "https://openrouter.ai/api/v1"
model = "openai/gpt-5-mini"
api_key_env = "OPENROUTER_API_KEY"
price_input_per_mtok = 0.25
price_output_per_mtok = 2.0
max_tokens = 4096

[panels]
frontier = ["gpt-5", "claude-sonnet", "gemini-2.5-pro", "grok", "deepseek-r1", "sonar"]
)toml";

}  // namespace drux
