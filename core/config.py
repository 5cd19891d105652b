"""The one configuration object, read from ``RECRUIT_*`` environment variables.

Every setting has an embedded default so ``make run`` works with nothing configured: a SQLite
file under ``data/``, the bundled all-MiniLM-L6-v2 encoder, CPU or the GPU when there is one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

MB = 1024 * 1024


class ParseLimits(BaseSettings):
    """Bounds on what one upload may cost; anything beyond is refused per file, with a reason."""

    model_config = SettingsConfigDict(env_prefix="RECRUIT_", extra="ignore")

    max_file_bytes: int = Field(default=20 * MB, gt=0, description="largest single file accepted")
    max_files_per_upload: int = Field(default=5000, gt=0, description="files per upload, ZIP members included")
    max_zip_members: int = Field(default=5000, gt=0, description="entries one ZIP may hold")
    max_zip_total_bytes: int = Field(default=500 * MB, gt=0, description="bytes a ZIP may expand to")
    max_zip_ratio: float = Field(default=100.0, gt=1, description="largest compression ratio of a ZIP member")
    max_pages: int = Field(default=100, gt=0, description="pages read from one PDF; the rest is dropped with a warning")
    max_text_chars: int = Field(default=200_000, gt=0, description="characters kept from one document")
    pdf_reader: str = Field(default="fast", description="fast (pypdfium2, pdfplumber for pages it cannot "
                            "trust) | pdfplumber (pdfplumber only, the slow reference)")
    parse_workers: int = Field(default=0, ge=0, description="processes parse_many uses; 0: one per CPU core")
    parse_timeout_s: float = Field(default=60.0, gt=0, description="seconds of wall time one file may take in a "
                                   "parse_many worker; over it, the worker is killed and the file fails")
    worker_memory_mb: int = Field(default=2048, ge=0, description="address space of one parse_many worker "
                                  "(and the Tesseract it starts) in MiB; 0: no limit")

    @field_validator("pdf_reader")
    @classmethod
    def _check_pdf_reader(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"fast", "pdfplumber"}:
            raise ValueError("RECRUIT_PDF_READER must be fast or pdfplumber")
        return value


PRECISIONS = ("auto", "fp32", "bf16", "fp16")
"""Inference precisions (``RECRUIT_PRECISION``); :func:`models.encoder.resolve_precision` says what auto means."""


class Settings(BaseSettings):
    """Application settings; ``RECRUIT_DATABASE_URL`` etc. override the defaults."""

    model_config = SettingsConfigDict(env_prefix="RECRUIT_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    device: str = Field(default="auto", description="auto | cpu | cuda | cuda:N")
    scorer: str = Field(default="occupation-aware", description="name of the scorer to load (core.scoring.SCORERS) "
                        "or a folder of trained artifacts")
    rescore_with: str = Field(default="", description="a cross-encoder folder (python -m models train-cross) "
                              "that re-scores the top of every ranking; empty: none")
    rescore_top: int = Field(default=20, ge=1, le=1000, description="CVs the cross-encoder re-scores per ranking")
    encoder: str = Field(
        default="bundled:all-MiniLM-L6-v2",
        description="'bundled:all-MiniLM-L6-v2', a local folder, or a Hugging Face hub id",
    )
    pooling: str = Field(default="auto", description="auto | mean | cls | last (last token, for decoder LMs)")
    chunk_tokens: int = Field(default=256, ge=16, le=8192, description="tokens per chunk, special tokens included")
    chunk_overlap: int = Field(default=32, ge=0, description="tokens shared by consecutive chunks")
    batch_size: int = Field(default=0, ge=0, description="chunks per forward pass; 0 = auto (8 on CPU, 64 on GPU)")
    quantize: str = Field(default="none", description="none | int8 (dynamic int8 Linear layers, CPU only)")
    precision: str = Field(default="auto", description="auto | fp32 | bf16 | fp16 (GPU only): inference precision; "
                           "auto = bf16 on a GPU that has it (fp16 on an older one) and on a CPU with bf16 "
                           "instructions (AVX512-BF16, AMX), fp32 elsewhere")
    shared_data_dir: Path = DEFAULT_SHARED_DATA

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"auto", "cpu", "cuda", "mps"} and not value.startswith("cuda:"):
            raise ValueError("RECRUIT_DEVICE must be auto, cpu, cuda, cuda:N or mps")
        return value

    @field_validator("quantize")
    @classmethod
    def _check_quantize(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"none", "int8"}:
            raise ValueError("RECRUIT_QUANTIZE must be none or int8")
        return value

    @field_validator("precision")
    @classmethod
    def _check_precision(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in PRECISIONS:
            raise ValueError(f"RECRUIT_PRECISION must be one of {', '.join(PRECISIONS)}")
        return value

    @property
    def fit_labels_csv(self) -> Path:
        """The rubric-labelled pairs (``../shared/data/fit_labels/fit_labels.csv``): thresholds and evaluation."""
        return self.shared_data_dir / "fit_labels" / "fit_labels.csv"

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: the setting, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'recruit.sqlite3').as_posix()}"

    @property
    def limits(self) -> ParseLimits:
        return ParseLimits()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process (tests clear the cache after changing the environment)."""
    return Settings()
