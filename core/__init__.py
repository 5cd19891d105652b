"""Domain logic of the talent-ranking dashboard: ingestion, chunking, skills, scoring.

Pure Python, no Streamlit: usable from the CLI (``python -m core``), the API and tests.
"""

from __future__ import annotations
