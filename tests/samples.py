"""Short texts written for the tests: a job description, a matching CV and an unrelated one."""

from __future__ import annotations

JD = (
    "Senior Python developer. You will build data pipelines in Python and SQL, deploy services on AWS "
    "with Docker and Kubernetes, and write tests. Requirements: 5 years of Python, PostgreSQL, REST APIs."
)
MATCHING_CV = (
    "Python developer with 6 years of experience building REST APIs and data pipelines in Python and SQL. "
    "Deployed services with Docker and Kubernetes on AWS. PostgreSQL, pytest, CI/CD."
)
UNRELATED_CV = (
    "Pastry chef with ten years in hotel kitchens. Croissants, laminated doughs, chocolate tempering, "
    "menu costing and food safety. Led a brigade of six cooks."
)
