"""Reference MLP projector (LLaVA / VideoLLaMA2 "mlp2x_gelu"): Linear -> activation -> Linear,
with configurable Hugging Face names (LLaVA-HF: multi_modal_projector.linear_1 / linear_2)."""
import torch.nn as nn

from vit_vision_encoder import activation


class MlpProjector(nn.Module):
    def __init__(self, in_features, hidden, out_features, act, first_name, second_name):
        super().__init__()
        self.first_name, self.second_name = first_name, second_name
        self.add_module(first_name, nn.Linear(in_features, hidden))
        self.add_module(second_name, nn.Linear(hidden, out_features))
        self.act = activation(act)

    def forward(self, x):
        return getattr(self, self.second_name)(self.act(getattr(self, self.first_name)(x)))
