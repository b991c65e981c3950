// Tiny random-weight GGUF models that tests generate themselves (tests never download).
//
// What a test can rely on: the chat template is chatml and llama-server applies it; answers
// are seed-dependent gibberish of printable ASCII (a space, letters, digits, punctuation);
// the model never ends a turn by itself, so an answer runs to max_tokens with finish_reason
// "length" unless a request forces <|im_end|> (kTinyModelImEndToken) with logit_bias, which
// ends it with finish_reason "stop". With temperature 0 an answer is deterministic.
// TinyModelOptions make variants: a model that ends its turn by itself, one without a chat
// template, and bigger ones for benchmarks.
#pragma once

#include <string>

namespace drux::test {

// The token id of <|im_end|>, the end-of-turn (eos/eot) token, in every tiny model. The
// vocabulary is the 256 bytes (ids 0-255), six merges, then <|endoftext|> (262),
// <|im_start|> (263) and <|im_end|> (264).
inline constexpr int kTinyModelImEndToken = 264;

struct TinyModelOptions {
  int seed = 1;
  // When N > 0, the model answers every question with the first N letters of the alphabet
  // ("abcde" for 5), one token each, then ends its turn with <|im_end|>. At most 26.
  int end_turn_after = 0;
  // False leaves tokenizer.chat_template out of the file.
  bool chat_template = true;
  // The shape; the defaults make the 0.5 MB model. n_embd must be a multiple of 4 above 28.
  int n_embd = 64;
  int n_layer = 2;
  int n_ff = 128;
  int context_length = 512;
};

// The path of the tiny model options describe, generated and cached as TinyModelPath(seed)
// says below.
std::string TinyModelPath(const TinyModelOptions& options);

// The path of a tiny llama-architecture chat model (chatml template, byte-level BPE
// vocabulary, about 0.5 MB) whose random weights come from seed: different seeds give
// different models and so different answers. Generated on first use by make_tiny_gguf.py
// into $TMPDIR/drux-test-models (default /tmp), keyed by the seed and a hash of the
// generator, and reused afterwards; safe when several test processes ask at once. Throws
// std::runtime_error, carrying the generator's stderr, when generation fails.
std::string TinyModelPath(int seed);

}  // namespace drux::test
