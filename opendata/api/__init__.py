"""The read-only HSDS 3.0 API under /api/ (see docs/hsds-profile.md and /api/openapi.json)."""
