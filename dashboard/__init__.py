"""Streamlit entry point and UI-only helpers (resources, tables). No business logic here."""

from __future__ import annotations
