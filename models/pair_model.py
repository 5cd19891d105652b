"""The pair head: scores one (JD chunk, CV chunk) pair from their vectors, ending in a sigmoid.

Bi-encoder pairing: each chunk is encoded once by the backbone; the head sees
[u, v, |u − v|, u ∘ v] (plus the pair's lexical features) and outputs a fit in [0, 1]. The
document score is the mean over the JD-chunk × CV-chunk pair matrix, as in the research, and
training fits that mean to the 0 / 0.5 / 1 label with MSE.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn


@dataclass(frozen=True)
class HeadConfig:
    dim: int
    extra_features: int = 0
    hidden: int = 256
    dropout: float = 0.1
    use_embeddings: bool = True  # False only for the lexical-only ablation


class PairHead(nn.Module):
    """MLP over [u, v, |u−v|, u∘v, extra] → sigmoid."""

    def __init__(self, config: HeadConfig) -> None:
        super().__init__()
        self.config = config
        width = (4 * config.dim if config.use_embeddings else 0) + config.extra_features
        self.net = nn.Sequential(
            nn.Linear(width, config.hidden),
            nn.GELU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.hidden, 1),
        )

    def forward(self, u: torch.Tensor, v: torch.Tensor, extra: torch.Tensor | None = None) -> torch.Tensor:
        parts = [u, v, (u - v).abs(), u * v] if self.config.use_embeddings else []
        if self.config.extra_features:
            if extra is None:
                raise ValueError("this head needs the pair's lexical features")
            parts.append(extra)
        return torch.sigmoid(self.net(torch.cat(parts, dim=-1))).squeeze(-1)

    def document_scores(
        self, jd: torch.Tensor, cv: torch.Tensor, extra: torch.Tensor | None = None, *, block: int = 65_536
    ) -> torch.Tensor:
        """Pair matrix for one JD (m chunks) against one CV (n chunks): shape (m, n)."""
        m, n = jd.shape[0], cv.shape[0]
        u = jd.unsqueeze(1).expand(m, n, -1).reshape(m * n, -1)
        v = cv.unsqueeze(0).expand(m, n, -1).reshape(m * n, -1)
        e = extra.expand(m * n, -1) if extra is not None else None
        out = torch.cat([self(u[i : i + block], v[i : i + block], None if e is None else e[i : i + block])
                         for i in range(0, m * n, block)]) if m * n else torch.zeros(0)
        return out.reshape(m, n)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, str(folder / "head.safetensors"))
        (folder / "head_config.json").write_text(json.dumps(asdict(self.config), indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> PairHead:
        config = HeadConfig(**json.loads((folder / "head_config.json").read_text()))
        head = cls(config)
        head.load_state_dict(load_file(str(folder / "head.safetensors")))
        head.eval()
        return head
