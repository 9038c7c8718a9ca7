"""Offline exchange: signed bundles of an inspection's changes between installations (docs/exchange.md)."""
