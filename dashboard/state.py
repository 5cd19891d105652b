"""Session-state keys shared by pages (plain keys survive page changes; widget keys do not)."""

from __future__ import annotations

JOB_KEY = "selected_job_id"
UPLOAD_NONCE_KEY = "upload_nonce"
CANDIDATE_KEY = "selected_document_id"
DECIDED_BY_KEY = "decided_by_name"  # the name a recruiter typed once for their decisions
