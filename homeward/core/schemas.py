"""Base for API input schemas: unknown fields are an error, not silently dropped."""

from ninja import Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class Detail(Schema):
    detail: str
