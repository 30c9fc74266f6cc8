"""FastAV-Tiny: synthetic live audio-visual streams, the miniature AV-LLM, its tokenizer and export."""
