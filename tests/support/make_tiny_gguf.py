#!/usr/bin/python3
"""Writes a tiny random-weight llama model (GGUF) that llama-server can load and chat with.

The model is for tests only: it answers with seed-dependent gibberish, fast. Its weights are
shaped so that it generates printable ASCII only (tests and terminals read it) and never ends a
turn by itself, so an answer's length is max_tokens unless a request forces `<|im_end|>` with
logit_bias. Its vocabulary is byte-level BPE, so any input text tokenizes; its chat template is
chatml and `<|im_end|>` (id 264) ends a turn, as in Qwen-style instruct models.

Options make variants for tests of the in-process provider: --end-turn-after N gives a model that
answers any question with the first N letters of the alphabet and then ends its turn;
--no-chat-template leaves the template out; the size options make a bigger model for benchmarks
in which compute, not overhead, dominates.
"""

import argparse
import sys

N_HEAD = 4
N_HEAD_KV = 4
# The letters an --end-turn-after model says, one token each, before it ends its turn.
END_TURN_LETTERS = "abcdefghijklmnopqrstuvwxyz"

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


def build_tensors(np, rng, n_vocab, readable_ids, size):
    n_embd, n_layer, n_ff = size.n_embd, size.n_layer, size.n_ff
    # Keeps activations at the scale of the 64-wide default when a model is made wider.
    scale = (64 / n_embd) ** 0.5

    def normal(shape, std):
        return (rng.standard_normal(shape) * std * scale).astype(np.float32)

    # Embedding dimension 0 carries a constant that the output matrix reads as a per-token bias
    # favouring readable tokens. The layers neither read it (their norm weights are 0 there)
    # nor write it (their output rows are 0), so it cannot swamp the token-dependent signal in
    # the other dimensions, which decides which readable token wins for this seed and context.
    token_embd = normal((n_vocab, n_embd), 1.0 / scale)
    token_embd[:, 0] = 8.0
    output = normal((n_vocab, n_embd), 0.3)
    output[:, 0] = -2.0
    output[readable_ids, 0] = 1.0
    layer_norm = np.ones(n_embd, dtype=np.float32)
    layer_norm[0] = 0.0

    def writing_layer(shape, std):
        weights = normal(shape, std)
        weights[0, :] = 0.0
        return weights

    tensors = {
        "token_embd.weight": token_embd,
        "output_norm.weight": np.ones(n_embd, dtype=np.float32),
        "output.weight": output,
    }
    head_dim = n_embd // N_HEAD
    for layer in range(n_layer):
        prefix = f"blk.{layer}."
        tensors.update(
            {
                prefix + "attn_norm.weight": layer_norm,
                prefix + "attn_q.weight": normal((n_embd, n_embd), 0.2),
                prefix + "attn_k.weight": normal((N_HEAD_KV * head_dim, n_embd), 0.2),
                prefix + "attn_v.weight": normal((N_HEAD_KV * head_dim, n_embd), 0.2),
                prefix + "attn_output.weight": writing_layer((n_embd, n_embd), 0.1),
                prefix + "ffn_norm.weight": layer_norm,
                prefix + "ffn_gate.weight": normal((n_ff, n_embd), 0.2),
                prefix + "ffn_up.weight": normal((n_ff, n_embd), 0.2),
                prefix + "ffn_down.weight": writing_layer((n_embd, n_ff), 0.1),
            }
        )
    return tensors


def add_end_turn_chain(tensors, tokens, chain_length):
    """Makes the model answer with the first chain_length letters, then <|im_end|>.

    A chatml prompt ends with the newline after "assistant". Each link of the chain newline -> a
    -> b -> ... -> <|im_end|> gets an embedding dimension of its own (1, 2, ...): the link's
    source token carries a large value there, and the output row of its successor reads it. As
    with dimension 0, the layers neither read nor write these dimensions, so the next token
    depends only on the current one and the answer is the same for every question and seed.
    """
    token_embd = tensors["token_embd.weight"]
    output = tensors["output.weight"]
    chain = ["\n"] + list(END_TURN_LETTERS[:chain_length])
    successors = list(END_TURN_LETTERS[:chain_length]) + [IM_END]
    dims = list(range(1, len(chain) + 1))
    token_embd[:, dims] = 0.0
    for name in tensors:
        if name.endswith("_norm.weight") and name.startswith("blk."):
            tensors[name][dims] = 0.0
        if name.endswith(("attn_output.weight", "ffn_down.weight")):
            tensors[name][dims, :] = 0.0
    byte_chars = bytes_to_unicode()
    for dim, source, successor in zip(dims, chain, successors):
        source_id = tokens.index(byte_chars[ord(source)])
        successor_id = tokens.index(successor if successor == IM_END else byte_chars[ord(successor)])
        token_embd[source_id, dim] = 8.0
        output[successor_id, dim] = 10.0


def write_model(gguf, np, path, args):
    tokens, types, readable_ids = build_vocab(gguf)
    rng = np.random.default_rng(args.seed)
    tensors = build_tensors(np, rng, len(tokens), readable_ids, args)
    if args.end_turn_after > 0:
        add_end_turn_chain(tensors, tokens, args.end_turn_after)

    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name(f"tiny-{args.seed}")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_vocab_size(len(tokens))
    writer.add_context_length(args.context_length)
    writer.add_embedding_length(args.n_embd)
    writer.add_block_count(args.n_layer)
    writer.add_feed_forward_length(args.n_ff)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(args.n_embd // N_HEAD)
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
    if args.chat_template:
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
    parser.add_argument("--end-turn-after", type=int, default=0, metavar="N",
                        help="answer with the first N letters, then end the turn (N <= 26)")
    parser.add_argument("--no-chat-template", dest="chat_template", action="store_false")
    parser.add_argument("--n-embd", type=int, default=64, help="a multiple of 4 above 28")
    parser.add_argument("--n-layer", type=int, default=2)
    parser.add_argument("--n-ff", type=int, default=128)
    parser.add_argument("--context-length", type=int, default=512)
    args = parser.parse_args()
    if not 0 <= args.end_turn_after <= len(END_TURN_LETTERS):
        parser.error(f"--end-turn-after must be between 0 and {len(END_TURN_LETTERS)}")
    if args.n_embd % N_HEAD != 0 or args.n_embd <= len(END_TURN_LETTERS) + 2:
        parser.error("--n-embd must be a multiple of 4 above 28")

    if args.gguf_py:
        sys.path.insert(0, args.gguf_py)
    import gguf
    import numpy as np

    write_model(gguf, np, args.output, args)


if __name__ == "__main__":
    main()
