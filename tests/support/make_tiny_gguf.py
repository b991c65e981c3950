#!/usr/bin/python3
"""Writes a tiny random-weight llama model (GGUF) that llama-server can load and chat with.

The model is for tests only: it answers with seed-dependent gibberish, fast. Its weights are
shaped so that it generates printable ASCII only (tests and terminals read it) and never ends a
turn by itself, so an answer's length is max_tokens unless a request forces `<|im_end|>` with
logit_bias. Its vocabulary is byte-level BPE, so any input text tokenizes; its chat template is
chatml and `<|im_end|>` (id 264) ends a turn, as in Qwen-style instruct models.
"""

import argparse
import sys

N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_HEAD_KV = 4
N_FF = 128
CONTEXT_LENGTH = 512

# A few merges so the BPE path of the tokenizer is exercised, not only single bytes.
MERGES = [("Ġ", "t"), ("h", "e"), ("i", "n"), ("e", "r"), ("a", "n"), ("Ġt", "he")]
END_OF_TEXT = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def bytes_to_unicode():
    """GPT-2's reversible map from each byte to a printable unicode character."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars)))


def build_vocab(gguf):
    byte_chars = bytes_to_unicode()
    tokens = [byte_chars[b] for b in range(256)]
    types = [gguf.TokenType.NORMAL] * 256
    for left, right in MERGES:
        tokens.append(left + right)
        types.append(gguf.TokenType.NORMAL)
    for special in (END_OF_TEXT, IM_START, IM_END):
        tokens.append(special)
        types.append(gguf.TokenType.CONTROL)
    # Token ids of the bytes a reader would call plain text: letters, digits, punctuation, space.
    readable_ids = [b for b in range(256) if 0x20 <= b < 0x7F] + list(range(256, 256 + len(MERGES)))
    return tokens, types, readable_ids


def build_tensors(np, rng, n_vocab, readable_ids):
    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    # Embedding dimension 0 carries a constant that the output matrix reads as a per-token bias
    # favouring readable tokens. The layers neither read it (their norm weights are 0 there)
    # nor write it (their output rows are 0), so it cannot swamp the token-dependent signal in
    # the other dimensions, which decides which readable token wins for this seed and context.
    token_embd = normal((n_vocab, N_EMBD), 1.0)
    token_embd[:, 0] = 8.0
    output = normal((n_vocab, N_EMBD), 0.3)
    output[:, 0] = -2.0
    output[readable_ids, 0] = 1.0
    layer_norm = np.ones(N_EMBD, dtype=np.float32)
    layer_norm[0] = 0.0

    def writing_layer(shape, std):
        weights = normal(shape, std)
        weights[0, :] = 0.0
        return weights

    tensors = {
        "token_embd.weight": token_embd,
        "output_norm.weight": np.ones(N_EMBD, dtype=np.float32),
        "output.weight": output,
    }
    head_dim = N_EMBD // N_HEAD
    for layer in range(N_LAYER):
        prefix = f"blk.{layer}."
        tensors.update(
            {
                prefix + "attn_norm.weight": layer_norm,
                prefix + "attn_q.weight": normal((N_EMBD, N_EMBD), 0.2),
                prefix + "attn_k.weight": normal((N_HEAD_KV * head_dim, N_EMBD), 0.2),
                prefix + "attn_v.weight": normal((N_HEAD_KV * head_dim, N_EMBD), 0.2),
                prefix + "attn_output.weight": writing_layer((N_EMBD, N_EMBD), 0.1),
                prefix + "ffn_norm.weight": layer_norm,
                prefix + "ffn_gate.weight": normal((N_FF, N_EMBD), 0.2),
                prefix + "ffn_up.weight": normal((N_FF, N_EMBD), 0.2),
                prefix + "ffn_down.weight": writing_layer((N_EMBD, N_FF), 0.1),
            }
        )
    return tensors


def write_model(gguf, np, path, seed):
    tokens, types, readable_ids = build_vocab(gguf)
    rng = np.random.default_rng(seed)
    tensors = build_tensors(np, rng, len(tokens), readable_ids)

    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name(f"tiny-{seed}")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_vocab_size(len(tokens))
    writer.add_context_length(CONTEXT_LENGTH)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)

    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges([f"{left} {right}" for left, right in MERGES])
    writer.add_bos_token_id(tokens.index(END_OF_TEXT))
    writer.add_eos_token_id(tokens.index(IM_END))
    writer.add_eot_token_id(tokens.index(IM_END))
    writer.add_pad_token_id(tokens.index(END_OF_TEXT))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML_TEMPLATE)

    for name, data in tensors.items():
        writer.add_tensor(name, data)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", metavar="OUTPUT.gguf")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--gguf-py", metavar="DIR", help="llama.cpp's gguf-py directory")
    args = parser.parse_args()

    if args.gguf_py:
        sys.path.insert(0, args.gguf_py)
    import gguf
    import numpy as np

    write_model(gguf, np, args.output, args.seed)


if __name__ == "__main__":
    main()
