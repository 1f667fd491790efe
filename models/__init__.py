"""Pydantic models: stored documents (ExtendedBaseModel) and request/response schemas."""
