"""The service categories the planner knows, shared by readers, demo and gaps."""

from __future__ import annotations

SERVICE_CATEGORIES: tuple[str, ...] = (
    "mental health",
    "substance misuse",
    "homelessness",
    "youth and diversionary",
    "sexual health",
    "education",
    "health",
)
