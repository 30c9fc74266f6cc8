"""Writes a tiny Hugging Face-layout Qwen2 checkpoint (config.json + model.safetensors) with random
weights, and the reference logits for fixed token ids (expected.json), into the folder named by argv[1].
The C# side loads it exactly as a user's checkpoint would be loaded."""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import qwen2_reference as ref  # noqa: E402
import write_safetensors  # noqa: E402

CONFIG = {
    "architectures": ["Qwen2ForCausalLM"],
    "model_type": "qwen2",
    "hidden_size": 48,
    "intermediate_size": 96,
    "num_hidden_layers": 3,
    "num_attention_heads": 6,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0,
    "max_position_embeddings": 4096,
    "vocab_size": 128,
    "tie_word_embeddings": False,
    "hidden_act": "silu",
    "bos_token_id": 1,
    "eos_token_id": 2,
    "torch_dtype": "float32",
}
IDS = [1, 17, 5, 99, 42, 7, 7, 3, 120, 64]


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    cfg = ref.Config(dict(CONFIG, attention_bias=True))  # Qwen2 always has q/k/v bias
    weights = ref.random_weights(cfg, torch.Generator().manual_seed(20261121))
    write_safetensors.write(out / "model.safetensors", weights, {"format": "pt"})
    (out / "config.json").write_text(json.dumps(CONFIG, indent=2))
    ids = torch.tensor(IDS)
    with torch.no_grad():
        logits, _, _ = ref.forward(cfg, weights, ids, torch.arange(len(IDS)))
    (out / "expected.json").write_text(json.dumps({"ids": IDS, "logits": logits.flatten().tolist(), "vocab": CONFIG["vocab_size"]}))


if __name__ == "__main__":
    main()
