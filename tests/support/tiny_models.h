// Tiny random-weight GGUF models that tests generate themselves (tests never download).
#pragma once

#include <string>

namespace drux::test {

// The path of a tiny llama-architecture chat model (chatml template, byte-level BPE
// vocabulary, about 0.5 MB) whose random weights come from seed: different seeds give
// different models and so different answers. Generated on first use by make_tiny_gguf.py
// into $TMPDIR/drux-test-models (default /tmp), keyed by the seed and a hash of the
// generator, and reused afterwards; safe when several test processes ask at once. Throws
// std::runtime_error, carrying the generator's stderr, when generation fails.
std::string TinyModelPath(int seed);

}  // namespace drux::test
