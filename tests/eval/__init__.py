"""The evaluation sets (JSONL), shipped as package data `assistant.evalsets`; see README.md here."""
