"""Neural models: text encoders (backbones with pooling) and, later, trained pair-scorer heads.

Nothing here imports Streamlit or the database; weights come from installed packages or local
folders, and hub loading is attempted only for a name that is neither.
"""

from __future__ import annotations
