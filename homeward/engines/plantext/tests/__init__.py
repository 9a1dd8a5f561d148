"""Tests for the action-plan text parser."""
